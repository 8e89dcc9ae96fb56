package io.ringtrain.engine.backend;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.cpu.CpuKernels;
import io.ringtrain.engine.cpu.CpuPool;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.functional.Workers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device placement per replica: bound per thread, carried into the pool, never shared between replicas. */
class PlacementTest {
    private static final int BATCH = 32, STEPS = 3;

    /** Counts the GEMMs it is given and computes them on the CPU. */
    private static final class RecordingBackend implements Backend {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
            calls.incrementAndGet();
            CpuBackend.INSTANCE.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    @Test
    void aThreadWithoutABindingRunsOnTheProcessDefaultWhichIsTheCpu() {
        assertSame(Placement.processDefault(), Placement.backend());
        // A session run with -Dringtrain.device (DeviceSessionListener) sets another default on purpose.
        if (System.getProperty("ringtrain.device") == null) assertSame(CpuBackend.INSTANCE, Placement.processDefault());
    }

    @Test
    void theCpuBackendIsTheCpuKernelsBitForBit() {
        SplittableRandom rng = new SplittableRandom(11);
        int m = 70, n = 90, k = 110;
        float[] a = random(rng, m * k), b = random(rng, k * n);
        float[] viaBackend = random(new SplittableRandom(12), m * n), viaKernels = viaBackend.clone();
        try (Placement.Binding placed = Placement.bind(CpuBackend.INSTANCE)) {
            Placement.backend().sgemm(false, true, m, n, k, 0.5f, a, 0, k, b, 0, k, 0.25f, viaBackend, 0, n);
        }
        CpuKernels.active().sgemm(CpuPool.shared(), false, true, m, n, k, 0.5f, a, 0, k, b, 0, k, 0.25f, viaKernels, 0, n);
        assertArrayEquals(viaKernels, viaBackend, 0f);
    }

    @Test
    void bindingsNestAndClosingRestoresThePreviousBackend() {
        Backend outside = Placement.backend();
        RecordingBackend first = new RecordingBackend(), second = new RecordingBackend();
        try (Placement.Binding a = Placement.bind(first)) {
            assertSame(first, Placement.backend());
            try (Placement.Binding b = Placement.bind(second)) {
                assertSame(second, Placement.backend());
            }
            assertSame(first, Placement.backend());
        }
        assertSame(outside, Placement.backend());
    }

    @Test
    void aBindingClosedOnAnotherThreadIsRefused() throws Exception {
        Placement.Binding binding = Placement.bind(new RecordingBackend());
        try {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    binding.close();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.start();
            other.join();
            assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        } finally {
            binding.close();
        }
    }

    @Test
    void poolThreadsRunARangeOnTheCallersBackendAndDropItAfterwards() {
        RecordingBackend mine = new RecordingBackend();
        Set<Backend> seen = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        int count = Workers.threads() * 8;
        try (Placement.Binding placed = Placement.bind(mine)) {
            Workers.forRange(count, 1L << 20, (chunk, start, end) -> {
                seen.add(Placement.backend());
                threads.add(Thread.currentThread().getName());
            });
        }
        assertEquals(Set.of(mine), seen, "every range, on " + threads);
        seen.clear();
        Workers.forRange(count, 1L << 20, (chunk, start, end) -> seen.add(Placement.backend()));
        assertEquals(Set.of(Placement.processDefault()), seen, "pool threads kept a replica's backend");
    }

    @Test
    void twoReplicasInOneJvmWithDifferentPlacementsDoNotAffectEachOther() throws Exception {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.randn(rng, BATCH, 1, 14, 14);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) y[i] = rng.nextInt(10);

        // The reference: one replica alone on the CPU.
        float[][] cpuAlone;
        try (Placement.Binding placed = Placement.bind(CpuBackend.INSTANCE)) {
            cpuAlone = steps(model(), x, y);
        }
        // How many GEMMs one replica's steps make, counted alone.
        RecordingBackend alone = new RecordingBackend();
        try (Placement.Binding placed = Placement.bind(alone)) {
            steps(model(), x, y);
        }
        assertTrue(alone.calls.get() >= 3 * STEPS, "conv and linear forward and backward GEMMs: " + alone.calls);

        // Two replicas at once, each on its own thread with its own model and placement.
        RecordingBackend recorded = new RecordingBackend();
        Module recordedModel = model(), cpuModel = model();
        CyclicBarrier start = new CyclicBarrier(2);
        List<float[][]> results = new ArrayList<>(List.of(new float[0][], new float[0][]));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] replicas = {
            replica(recorded, recordedModel, x, y, start, results, 0, failure),
            replica(CpuBackend.INSTANCE, cpuModel, x, y, start, results, 1, failure)
        };
        for (Thread t : replicas) t.start();
        for (Thread t : replicas) t.join();
        assertNull(failure.get(), () -> "a replica failed: " + failure.get());

        assertEquals(alone.calls.get(), recorded.calls.get(),
                "the recorded replica's backend saw exactly its own GEMMs, pool threads included, and none of the CPU replica's");
        for (int i = 0; i < cpuAlone.length; i++) {
            assertArrayEquals(cpuAlone[i], results.get(1)[i], 0f, "CPU replica, output " + i);
            assertArrayEquals(cpuAlone[i], results.get(0)[i], 0f, "recorded replica (CPU underneath), output " + i);
        }
    }

    @Test
    void noLayerCallsTheCpuGemmAroundItsReplicasBackend() throws IOException {
        Path main = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java/io/ringtrain/engine");
        assertTrue(Files.isDirectory(main), "engine main sources at " + main.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String rel = main.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("cpu/") || rel.startsWith("cuda/") || rel.equals("backend/CpuBackend.java")) continue;
                if (Files.readString(f).contains("Gemm.sgemm(")) offenders.add(rel);
            }
        }
        assertEquals(List.of(), offenders, "call Placement.backend().sgemm(...) so the GEMM runs on the replica's device");
    }

    private static Thread replica(Backend backend, Module model, Tensor x, int[] y, CyclicBarrier start,
                                  List<float[][]> results, int slot, AtomicReference<Throwable> failure) {
        return new Thread(() -> {
            try (Placement.Binding placed = Placement.bind(backend)) {
                start.await();
                float[][] r = steps(model, x, y);
                synchronized (results) {
                    results.set(slot, r);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "replica-" + slot);
    }

    private static Module model() {
        Init.manualSeed(3);
        return new Sequential(new Conv2d(1, 8, 3, 1, 1), new ReLU(), new Flatten(), new Linear(8 * 14 * 14, 10));
    }

    /** {@link #STEPS} forward/backward passes with the gradients kept after each; the logits and gradients of the last. */
    private static float[][] steps(Module model, Tensor x, int[] y) {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        float[][] out = null;
        for (int s = 0; s < STEPS; s++) {
            model.zeroGrad();
            Tensor logits = model.forward(x);
            loss.forward(logits, y).backward();
            List<float[]> arrays = new ArrayList<>();
            arrays.add(logits.toArray());
            for (Tensor p : model.parameters()) arrays.add(p.grad().toArray());
            out = arrays.toArray(new float[0][]);
        }
        return out;
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }
}
