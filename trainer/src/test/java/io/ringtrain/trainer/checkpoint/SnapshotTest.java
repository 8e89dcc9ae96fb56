package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm1d;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.engine.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotTest {
    private static final Tensor INPUT = Tensor.randn(new SplittableRandom(3), 8, 5);

    private static Module model() {
        return new Sequential(new Linear(5, 4), new BatchNorm1d(4), new Linear(4, 2)); // parameters, F32 and I64 buffers
    }

    private static void step(Module model, Optimizer optimizer) {
        optimizer.zeroGrad();
        Tensor out = model.forward(INPUT);
        out.mul(out).sum().backward();
        optimizer.step();
    }

    private static void assertSameState(Module expected, Module actual) {
        Map<String, Tensor> want = expected.stateDict(), got = actual.stateDict();
        assertEquals(want.keySet(), got.keySet());
        for (String name : want.keySet()) {
            float[] a = want.get(name).toArray(), b = got.get(name).toArray();
            assertEquals(a.length, b.length, name);
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), name + "[" + i + "] bit for bit");
        }
    }

    @Test
    void aSnapshotSentToAnotherRankRestoresTheStateAndTheRunContinuesBitForBit() {
        Module trained = model();
        Optimizer optimizer = new SGD(trained.parameters(), 0.05).momentum(0.9);
        for (int i = 0; i < 3; i++) step(trained, optimizer);
        Snapshot taken = Snapshot.capture(trained, optimizer, new Cursor(3, 1, 3, Map.of("loss_sum", "1.5")));

        Snapshot received = Snapshot.fromBytes(taken.bytes());
        Module replacement = model();
        Optimizer replacementOptimizer = new SGD(replacement.parameters(), 0.5).momentum(0.9);
        Cursor cursor = received.restoreInto(replacement, replacementOptimizer);

        assertEquals(new Cursor(3, 1, 3, Map.of("loss_sum", "1.5")), cursor);
        assertEquals(taken.fingerprint(), received.fingerprint());
        assertEquals(taken.sizeBytes(), received.sizeBytes());
        assertSameState(trained, replacement);
        assertEquals(0.05, replacementOptimizer.lr(), 0.0, "the optimizer's hyper-parameters come with it");
        step(trained, optimizer);
        step(replacement, replacementOptimizer);
        assertSameState(trained, replacement); // the momentum buffers came along too
    }

    @Test
    void theFingerprintFollowsTheWeightsAndASnapshotIsACopy() {
        Module model = model();
        Optimizer optimizer = new SGD(model.parameters(), 0.05).momentum(0.9);
        step(model, optimizer);
        Snapshot before = Snapshot.capture(model, optimizer, new Cursor(1, 0, 1, Map.of()));
        byte[] encoded = before.bytes();

        step(model, optimizer);
        Snapshot after = Snapshot.capture(model, optimizer, new Cursor(2, 0, 2, Map.of()));

        assertNotEquals(before.fingerprint(), after.fingerprint());
        assertArrayEquals(encoded, before.bytes(), "training on does not change a snapshot already taken");
    }

    @Test
    void bytesThatAreNotASnapshotAreRefused() {
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(new byte[16]));
        assertTrue(foreign.getMessage().contains("bad magic"), foreign.getMessage());
        Module model = model();
        byte[] whole = Snapshot.capture(model, new SGD(model.parameters(), 0.1), new Cursor(0, 0, 0, Map.of())).bytes();
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class, () -> Snapshot.fromBytes(Arrays.copyOf(whole, whole.length - 1)));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    }
}
