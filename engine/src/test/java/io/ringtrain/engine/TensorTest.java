package io.ringtrain.engine;

import io.ringtrain.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    private static final SplittableRandom RNG = new SplittableRandom(7);

    @Test
    void coreOpsMatchPyTorchForwardAndBackward() {
        Golden g = Golden.load("core_ops");
        Tensor a = g.get("a").requiresGrad(true), b = g.get("b").requiresGrad(true), c = g.get("c").requiresGrad(true);
        Tensor w = g.get("w");
        Tensor y = a.matmul(b).mul(c.unsqueeze(0));
        Tensor s = y.softmax(-1), ls = y.logSoftmax(1);
        Tensor loss = s.mul(w).sum().add(ls.mul(w).sum())
                .add(y.tanh().sigmoid().div(y.exp().add(1f)).sum())
                .add(y.max(2, false).sum());
        loss.backward();
        // float32 on both sides with different summation orders: ~1e-6 relative is expected; 1e-4 leaves margin.
        g.assertClose("y", y, 1e-5, 1e-4);
        g.assertClose("softmax", s, 1e-6, 1e-4);
        g.assertClose("log_softmax", ls, 1e-5, 1e-4);
        g.assertClose("loss", loss.reshape(1), 1e-4, 1e-4);
        g.assertClose("grad_a", a.grad(), 1e-4, 1e-3);
        g.assertClose("grad_b", b.grad(), 1e-4, 1e-3);
        g.assertClose("grad_c", c.grad(), 1e-4, 1e-3);
    }

    @Test
    void elementwiseOpsHaveCorrectGradients() {
        Tensor x = Tensor.uniform(RNG, 0.5f, 2f, 3, 4), y = Tensor.uniform(RNG, 0.5f, 2f, 4);
        GradCheck.check("add/sub/mul/div with broadcasting", in -> in.get(0).add(in.get(1)).mul(in.get(0)).sub(in.get(1)).div(in.get(1).add(3f)), x, y);
        GradCheck.check("exp/log/sqrt/pow", in -> in.get(0).exp().add(in.get(0).log()).add(in.get(0).sqrt()).add(in.get(0).pow(3f)), x);
        GradCheck.check("tanh/sigmoid", in -> in.get(0).tanh().mul(in.get(0).sigmoid()), Tensor.randn(RNG, 5, 3));
    }

    @Test
    void reductionsAndSoftmaxHaveCorrectGradients() {
        Tensor x = Tensor.randn(RNG, 2, 3, 4);
        GradCheck.check("sum(dim)", in -> in.get(0).sum(1, false), x);
        GradCheck.check("mean(dim, keepDim)", in -> in.get(0).mean(2, true), x);
        GradCheck.check("softmax(dim=1)", in -> in.get(0).softmax(1), x);
        GradCheck.check("logSoftmax(dim=-1)", in -> in.get(0).logSoftmax(-1), x);
    }

    @Test
    void matmulHandlesTransposedAndBatchedOperands() {
        Tensor a = Tensor.randn(RNG, 2, 3, 5), b = Tensor.randn(RNG, 2, 4, 5), m = Tensor.randn(RNG, 5, 3);
        GradCheck.check("batched a·bᵀ (transposed view)", in -> in.get(0).matmul(in.get(1).transpose(1, 2)), a, b);
        GradCheck.check("2-D transposed both", in -> in.get(0).t().matmul(in.get(1).t()), m, Tensor.randn(RNG, 4, 5));
        Tensor viaCopy = a.matmul(b.transpose(1, 2).contiguous());
        Tensor viaView = a.matmul(b.transpose(1, 2));
        assertArrayEquals(viaCopy.toArray(), viaView.toArray(), 1e-5f);
    }

    @Test
    void viewsShareStorageAndRouteGradients() {
        Tensor x = Tensor.randn(RNG, 4, 6);
        Tensor t = x.transpose(0, 1);
        assertTrue(t.storage() == x.storage(), "transpose is a view");
        assertFalse(t.isContiguous());
        assertEquals(x.get(1, 2), t.get(2, 1));
        GradCheck.check("permute+narrow+reshape", in -> in.get(0).permute(1, 0).narrow(0, 1, 3).reshape(-1).mul(2f), x);
        GradCheck.check("expand", in -> in.get(0).expand(3, 4, 6).sum(0, false), x);
        GradCheck.check("cat", in -> Tensor.cat(List.of(in.get(0), in.get(1)), 1), x, Tensor.randn(RNG, 4, 2));
    }

    @Test
    void gradientsAccumulateUntilCleared() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        x.mul(3f).sum().backward();
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {6f, 6f}, x.gradArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void ownedGradientIsKeptWithoutCopyAndStillAccumulates() {
        Tensor x = Tensor.zeros(2).requiresGrad(true);
        float[] first = {1f, 2f};
        x.accumulateGradOwned(first);
        assertTrue(x.gradArray() == first, "the handed-over array becomes the gradient");
        x.accumulateGradOwned(new float[] {10f, 20f});
        assertArrayEquals(new float[] {11f, 22f}, x.gradArray());
        assertThrows(IllegalArgumentException.class, () -> x.accumulateGradOwned(new float[3]));
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.randn(RNG, 3).requiresGrad(true);
        Tensor y;
        try (var scope = GradMode.noGrad()) {
            y = x.mul(2f);
        }
        assertFalse(y.requiresGrad());
        assertTrue(x.mul(2f).requiresGrad(), "recording resumes after the scope");
    }

    @Test
    void gradReadyHookFiresAfterEveryUseContributed() {
        Tensor w = Tensor.of(new float[] {2f}, 1).requiresGrad(true);
        float[] seen = new float[1];
        w.addGradReadyHook(p -> seen[0] = p.gradArray()[0]);
        w.mul(3f).add(w.mul(5f)).sum().backward();
        assertEquals(8f, seen[0], "hook sees the complete gradient 3 + 5");
    }

    @Test
    void shapeErrorsNameBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertTrue(m.getMessage().contains("[2, 3]") && m.getMessage().contains("[4, 5]"), m.getMessage());
    }

    @Test
    void fullyMaskedSoftmaxRowIsZeroNotNaN() {
        Tensor x = Tensor.full(Float.NEGATIVE_INFINITY, 1, 3);
        assertArrayEquals(new float[] {0f, 0f, 0f}, x.softmax(-1).toArray());
    }

    /**
     * Backward hands freshly computed gradient arrays to their inputs without a copy; a tensor
     * used twice by one op, and a gradient that flows on unchanged (add), must still sum right and
     * leave every other gradient untouched.
     */
    @Test
    void gradientsHandedOverWithoutACopyStillSumWhenATensorIsUsedTwice() {
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {0.5f, -1f, 2f, 1f, 0f, 3f}, 3, 2).requiresGrad(true);
        // x + x, x - x, x * x, then x·w and (xᵀ)ᵀ: every path reaches x more than once
        Tensor z = Tensor.zeros(2, 3).requiresGrad(true);
        // x + z last, so backward reaches it first: its gradient arrives at x and z as one array,
        // and x gets more afterwards
        Tensor y = x.add(x).sum().add(x.sub(x).sum()).add(x.mul(x).sum()).add(x.matmul(w).sum())
                .add(x.permute(1, 0).permute(1, 0).mul(x).sum()).add(x.add(z).sum());
        y.backward();
        float[] expectX = new float[6];
        float[] xs = x.toArray(), ws = w.toArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                int at = i * 3 + j;
                // d/dx of x + 2x + 0 + x² + (x·w summed) + x²
                expectX[at] = 1f + 2f + 2f * xs[at] + (ws[j * 2] + ws[j * 2 + 1]) + 2f * xs[at];
            }
        }
        assertArrayEquals(expectX, x.gradArray(), 1e-5f);
        float[] expectW = new float[6];
        for (int j = 0; j < 3; j++) for (int k = 0; k < 2; k++) expectW[j * 2 + k] = xs[j] + xs[3 + j];
        assertArrayEquals(expectW, w.gradArray(), 1e-5f);
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f, 1f, 1f}, z.gradArray());
    }
}
