package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.MaxPool2d;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.optim.SGD;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The arrays that training steps reuse (layers' recycled outputs, pooled gradients) never change
 * a result: every step equals a run in which every array is fresh, bit for bit, also where an
 * array is handed on to a leaf or a layer runs twice before backward.
 */
class RecycledBuffersTest {
    private static final int BATCH = 6;

    /** fmnist-cnn's layers without recycled outputs, same parameter order. */
    private static Module freshAllocationCnn() {
        return new Sequential(new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(true), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(true), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(true), new Linear(128, 10));
    }

    private static void copyState(Module from, Module to) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        Iterator<String> names = to.stateDict().keySet().iterator();
        for (Tensor t : from.stateDict().values()) state.put(names.next(), Tensor.of(t.toArray(), t.shape()));
        to.loadStateDict(state, true);
    }

    private record Step(float[] logits, float loss, List<float[]> grads, List<float[]> params) {}

    private static Step step(Module model, SGD optimizer, Tensor x, int[] y) {
        optimizer.zeroGrad();
        Tensor logits = model.forward(x);
        Tensor loss = new CrossEntropyLoss().forward(logits, y);
        loss.backward();
        List<float[]> grads = new ArrayList<>();
        for (Tensor p : model.parameters()) grads.add(p.gradArray().clone());
        optimizer.step();
        List<float[]> params = new ArrayList<>();
        for (Tensor p : model.parameters()) params.add(p.toArray());
        return new Step(logits.toArray(), loss.item(), grads, params);
    }

    /** Runs a step on a new thread: its gradient pool is empty, so every array of the step is new. */
    private static Step stepOnFreshThread(Module model, SGD optimizer, Tensor x, int[] y) throws InterruptedException {
        AtomicReference<Step> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(step(model, optimizer, x, y)));
        t.start();
        t.join();
        return result.get();
    }

    @Test
    void fmnistCnnStepsEqualFreshAllocationStepsBitForBit() throws InterruptedException {
        Init.manualSeed(3);
        FmnistCnn recycling = new FmnistCnn();
        Module fresh = freshAllocationCnn();
        copyState(recycling, fresh);
        SGD optA = new SGD(recycling.parameters(), 0.05f).momentum(0.9f).weightDecay(5e-4f);
        SGD optB = new SGD(fresh.parameters(), 0.05f).momentum(0.9f).weightDecay(5e-4f);
        SplittableRandom rng = new SplittableRandom(7);
        for (int s = 0; s < 4; s++) {
            Tensor x = Tensor.randn(rng, BATCH, 1, 28, 28); // a new batch each step: stale values would show
            int[] y = rng.ints(BATCH, 0, 10).toArray();
            Step a = step(recycling, optA, x, y);
            Step b = stepOnFreshThread(fresh, optB, x, y);
            assertArrayEquals(b.logits(), a.logits(), "logits, step " + s);
            assertEquals(Float.floatToIntBits(b.loss()), Float.floatToIntBits(a.loss()), "loss, step " + s);
            for (int i = 0; i < a.grads().size(); i++) {
                assertArrayEquals(b.grads().get(i), a.grads().get(i), "gradient of parameter " + i + ", step " + s);
                assertArrayEquals(b.params().get(i), a.params().get(i), "parameter " + i + " after step " + s);
            }
        }
        assertArrayEquals(fresh.stateDict().get("1.running_var").toArray(), recycling.stateDict().get("bn1.running_var").toArray());
    }

    /**
     * ResNet's convolutions and BatchNorms (blocks, shortcut projections, stem) reuse their outputs:
     * each step of one model equals, bit for bit, that step of a new copy whose arrays are all fresh.
     */
    @Test
    void resnetStepsEqualFreshCopyStepsBitForBit() throws InterruptedException {
        for (ResNet.Block block : ResNet.Block.values()) {
            Init.manualSeed(4);
            ResNet recycling = narrowResNet(block);
            SGD optA = new SGD(recycling.parameters(), 0.05f);
            SplittableRandom rng = new SplittableRandom(9);
            for (int s = 0; s < 3; s++) {
                ResNet fresh = narrowResNet(block);
                copyState(recycling, fresh);
                Tensor x = Tensor.randn(rng, BATCH, 1, 8, 8);
                int[] y = rng.ints(BATCH, 0, 10).toArray();
                Step a = step(recycling, optA, x, y);
                Step b = stepOnFreshThread(fresh, new SGD(fresh.parameters(), 0.05f), x, y);
                String at = block + ", step " + s;
                assertArrayEquals(b.logits(), a.logits(), "logits, " + at);
                for (int i = 0; i < a.grads().size(); i++) {
                    assertArrayEquals(b.grads().get(i), a.grads().get(i), "gradient of parameter " + i + ", " + at);
                    assertArrayEquals(b.params().get(i), a.params().get(i), "parameter " + i + " after " + at);
                }
            }
        }
    }

    /** One block per stage, 4 planes wide, with the ImageNet stem for BASIC (max-pool) and the CIFAR stem for BOTTLENECK. */
    private static ResNet narrowResNet(ResNet.Block block) {
        return new ResNet("narrow", block, new int[] {1, 1, 1, 1}, 4, 1, 10,
                block == ResNet.Block.BASIC ? ResNet.Stem.IMAGENET : ResNet.Stem.CIFAR);
    }

    /**
     * MaxPool2d's input gradient comes from the pool and ReLU hands it on to a leaf: the leaf keeps
     * that array as its gradient, so the next backward must not get it from the pool again.
     */
    @Test
    void aPooledGradientHandedOnToALeafStaysTheLeafs() {
        MaxPool2d pool = new MaxPool2d(2).recycleOutput();
        ReLU relu = new ReLU();
        SplittableRandom rng = new SplittableRandom(11);
        Tensor w = Tensor.randn(rng, 2, 3, 2, 2);
        Tensor first = Tensor.randn(rng, 2, 3, 4, 4).requiresGrad(true);
        pool.forward(relu.forward(first)).mul(w).sum().backward();
        float[] firstGrad = first.gradArray().clone();
        for (int s = 0; s < 3; s++) {
            Tensor next = Tensor.randn(rng, 2, 3, 4, 4).requiresGrad(true);
            pool.forward(relu.forward(next)).mul(w).sum().backward();
            assertNotSame(first.gradArray(), next.gradArray());
        }
        assertArrayEquals(firstGrad, first.gradArray());
    }

    /** A recycling layer run twice before one backward lends its spare to the first forward only. */
    @Test
    void twoForwardsBeforeOneBackwardKeepBothOutputs() {
        Init.manualSeed(5);
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1).recycleOutput();
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.recycleOutput();
        Sequential recycling = new Sequential(conv, bn, new MaxPool2d(2).recycleOutput());
        Sequential fresh = new Sequential(new Conv2d(2, 3, 3, 1, 1), new BatchNorm2d(3), new MaxPool2d(2));
        copyState(recycling, fresh);
        SplittableRandom rng = new SplittableRandom(13);
        Tensor w = Tensor.randn(rng, 2, 3, 3, 3);
        for (Module m : List.of(recycling, fresh)) m.forward(Tensor.randn(new SplittableRandom(1), 2, 2, 6, 6)).sum().backward(); // spares exist now
        Tensor x1 = Tensor.randn(rng, 2, 2, 6, 6), x2 = Tensor.randn(rng, 2, 2, 6, 6);
        List<float[]> grads = new ArrayList<>();
        for (Module m : List.of(recycling, fresh)) {
            m.parameters().forEach(Tensor::zeroGrad);
            Tensor y1 = m.forward(x1), y2 = m.forward(x2);
            y1.mul(w).sum().add(y2.mul(w).mul(y2).sum()).backward();
            for (Tensor p : m.parameters()) grads.add(p.gradArray().clone());
        }
        int n = grads.size() / 2;
        for (int i = 0; i < n; i++) assertArrayEquals(grads.get(n + i), grads.get(i), "gradient of parameter " + i);
    }

    /**
     * A training step of fmnist-cnn allocates, on its thread, little more than the parameters'
     * gradients (which the optimizer keeps): no activation-sized arrays. Counted by the JVM's
     * per-thread allocation counter, not timed.
     */
    @Test
    void fmnistCnnStepAllocatesAboutItsParameterGradientsOnly() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemorySupported());
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        bean.setThreadAllocatedMemoryEnabled(true);
        Init.manualSeed(0);
        FmnistCnn model = new FmnistCnn();
        SGD optimizer = new SGD(model.parameters(), 0.05f).momentum(0.9f).weightDecay(5e-4f);
        SplittableRandom rng = new SplittableRandom(1);
        int batch = 32;
        Tensor x = Tensor.randn(rng, batch, 1, 28, 28);
        int[] y = rng.ints(batch, 0, 10).toArray();
        // Steady state is reached when the JIT has compiled the step: interpreted and C1 code allocate
        // what C2's escape analysis removes, and when that happens depends on the JDK and on the
        // machine's load (150 warm-up steps sufficed here, not on a loaded 2-core CI runner). So the
        // step is measured in windows of 3 steps after a warm-up, and the claim is about the leanest
        // window: an activation-sized array allocated by the step itself shows in every window.
        for (int i = 0; i < 100; i++) step(model, optimizer, x, y);
        long threadId = Thread.currentThread().getId();
        int steps = 3;
        long perStep = Long.MAX_VALUE;
        List<Long> windows = new ArrayList<>();
        for (int window = 0; window < 60; window++) {
            long before = bean.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < steps; i++) {
                optimizer.zeroGrad();
                new CrossEntropyLoss().forward(model.forward(x), y).backward();
                optimizer.step();
            }
            long bytes = (bean.getThreadAllocatedBytes(threadId) - before) / steps;
            windows.add(bytes);
            perStep = Math.min(perStep, bytes);
        }
        long parameterGradients = 4L * model.parameterCount();
        long firstActivation = 4L * batch * 32 * 28 * 28; // conv1's output alone
        assertTrue(perStep < 2 * parameterGradients && perStep < firstActivation,
                "a step allocated at least " + perStep + " bytes (per window: " + windows + "); parameter gradients are "
                        + parameterGradients + ", conv1's output " + firstActivation);
    }
}
