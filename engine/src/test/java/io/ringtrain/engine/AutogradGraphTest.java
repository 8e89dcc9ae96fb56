package io.ringtrain.engine;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Freeing the graph as backward walks it: what backward no longer needs is released, and a freed graph refuses a second walk. */
class AutogradGraphTest {

    @Test
    void anActivationWhoseBackwardHasRunIsUnreachableWhileBackwardGoesOn() {
        Tensor x = Tensor.of(new float[] {1f, -2f, 3f}, 3).requiresGrad(true);
        WeakReference<Tensor>[] later = new WeakReference[1];
        boolean[] releasedInTime = new boolean[1];
        // first = 2x, recorded with a backward function that looks, while it runs, whether `later`
        // (first's consumer, whose backward has already run) can still be reached.
        Tensor first = Tensor.fromOp(new float[] {2f, -4f, 6f}, new int[] {3}, "probe", dy -> {
            for (int i = 0; i < 20 && later[0].get() != null; i++) System.gc();
            releasedInTime[0] = later[0].get() == null;
            float[] dx = new float[dy.length];
            for (int i = 0; i < dy.length; i++) dx[i] = 2f * dy[i];
            x.accumulateGradOwned(dx);
        }, x);
        Tensor loss = lossThroughAnActivationNotKeptHere(first, later);
        loss.backward();
        assertTrue(releasedInTime[0], "the activation after `first` was still reachable when first's backward ran");
        assertArrayEquals(new float[] {6f, 6f, 6f}, x.grad().toArray());
    }

    /** sum(3 · first), keeping only a weak reference to 3 · first. */
    private static Tensor lossThroughAnActivationNotKeptHere(Tensor first, WeakReference<Tensor>[] later) {
        Tensor scaled = first.mul(3f);
        later[0] = new WeakReference<>(scaled);
        return scaled.sum();
    }

    @Test
    void aNodeDropsItsInputsAndBackwardFunctionOnceItsBackwardHasRun() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor hidden = x.mul(x);
        Tensor loss = hidden.sum();
        loss.backward();
        assertNull(hidden.inputs, "inputs kept after backward");
        assertSame(AutogradGraph.RELEASED, hidden.backwardFn, "saved tensors (the backward function's captures) kept after backward");
        assertNull(hidden.grad, "intermediate gradient kept after backward");
        assertArrayEquals(new float[] {2f, 4f}, x.grad().toArray());
    }

    @Test
    void aSecondBackwardThroughTheSameGraphFailsAndNamesTheCause() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor loss = x.mul(x).sum();
        loss.backward();
        float[] gradAfterFirst = x.grad().toArray();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("backward through the graph a second time"), e.getMessage());
        assertArrayEquals(gradAfterFirst, x.grad().toArray(), "the refused backward changed a gradient");
    }

    @Test
    void aNewRootOverAnIntermediateThatWasAlreadyDifferentiatedFailsInsteadOfLeavingTheLeafUnchanged() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor hidden = x.mul(3f);
        hidden.sum().backward();
        Tensor second = hidden.mul(hidden).sum();
        IllegalStateException e = assertThrows(IllegalStateException.class, second::backward);
        assertTrue(e.getMessage().contains("mul"), "the message names the freed node's operation: " + e.getMessage());
        assertEquals(3f, x.grad().toArray()[0]);
    }
}
