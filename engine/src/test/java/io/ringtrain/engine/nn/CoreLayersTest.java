package io.ringtrain.engine.nn;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LayerNorm, GELU, Embedding and Dropout against PyTorch and finite differences. */
class CoreLayersTest {
    private static final SplittableRandom RNG = new SplittableRandom(11);
    // float32 on both sides with different summation orders: ~1e-6 relative; 1e-5/1e-4 leaves margin.
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    @Test
    void layerNormMatchesPyTorch() {
        Golden g = Golden.load("seq_layer_norm");
        LayerNorm ln = new LayerNorm(8);
        LayerGolden.loadParameters(g, ln);
        Tensor x = g.get("x").requiresGrad(true);
        LayerGolden.compareOutputsAndLoss(g, Map.of("y", ln.forward(x)), ATOL, RTOL).backward();
        g.assertClose("grad.x", x.grad(), ATOL, RTOL);
        LayerGolden.compareParameterGradients(g, ln, ATOL, RTOL);
    }

    @Test
    void layerNormGradientsMatchFiniteDifferences() {
        LayerNorm ln = new LayerNorm(5);
        ln.weight().copyFrom(Tensor.randn(RNG, 5));
        ln.bias().copyFrom(Tensor.randn(RNG, 5));
        GradCheck.check("layer_norm x, weight, bias", in -> ln.forward(in.get(0)), Tensor.randn(RNG, 3, 5), ln.weight(), ln.bias());
        LayerNorm plain = new LayerNorm(new int[] {2, 3}, 1e-5f, false);
        GradCheck.check("layer_norm over two dims, no affine", in -> plain.forward(in.get(0)), Tensor.randn(RNG, 4, 2, 3));
    }

    @Test
    void geluExactAndTanhMatchPyTorch() {
        Golden g = Golden.load("seq_gelu");
        Tensor x = g.get("x").requiresGrad(true);
        LayerGolden.compareOutputsAndLoss(g, Map.of("y_exact", new GELU().forward(x), "y_tanh", new GELU(true).forward(x)), ATOL, RTOL)
                .backward();
        g.assertClose("grad.x", x.grad(), ATOL, RTOL);
    }

    @Test
    void geluGradientsMatchFiniteDifferences() {
        GradCheck.check("gelu exact", in -> GELU.apply(in.get(0), false), Tensor.randn(RNG, 4, 6).mul(2f).detach());
        GradCheck.check("gelu tanh", in -> GELU.apply(in.get(0), true), Tensor.randn(RNG, 4, 6).mul(2f).detach());
    }

    @Test
    void embeddingMatchesPyTorchAndPaddingRowGetsNoGradient() {
        Golden g = Golden.load("seq_embedding");
        Embedding emb = new Embedding(10, 4, 0);
        LayerGolden.loadParameters(g, emb);
        Tensor y = emb.forward(g.get("indices"));
        LayerGolden.compareOutputsAndLoss(g, Map.of("y", y), 0, 0).backward();
        LayerGolden.compareParameterGradients(g, emb, 1e-6, 1e-6);
        float[] dw = emb.weight().gradArray();
        for (int k = 0; k < 4; k++) assertEquals(0f, dw[k], "padding row 0 gets no gradient");
    }

    @Test
    void embeddingPaddingRowStartsAtZeroGradientsSumOverRepeatsAndBadIndexIsNamed() {
        Init.manualSeed(3);
        Embedding emb = new Embedding(5, 3, 2);
        assertArrayEquals(new float[3], emb.forward(new int[] {2}, 1).toArray());
        GradCheck.check("embedding lookup with repeats", in -> emb.forward(new int[] {1, 4, 1, 0}, 2, 2), emb.weight());
        var e = assertThrows(IndexOutOfBoundsException.class, () -> emb.forward(new int[] {7}, 1));
        assertTrue(e.getMessage().contains("7") && e.getMessage().contains("num_embeddings=5"), e.getMessage());
    }

    @Test
    void dropoutZeroesAboutPAndRescalesSurvivorsInTrainingOnly() {
        Dropout d = new Dropout(0.25f, new SplittableRandom(5));
        Tensor x = Tensor.ones(100_000);
        float[] y = d.forward(x).toArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) zeros++;
            else assertEquals(1f / 0.75f, v, 1e-6f, "survivors are scaled by 1/(1-p)");
        }
        // binomial(1e5, 0.25): standard deviation ~137, so ±1000 is > 7 sigma
        assertEquals(25_000, zeros, 1000);
        d.eval();
        assertSame(x, d.forward(x), "evaluation is the identity");
    }

    @Test
    void dropoutGradientUsesTheSameMask() {
        Dropout d = new Dropout(0.5f, new SplittableRandom(9));
        Tensor x = Tensor.randn(RNG, 50).requiresGrad(true);
        Tensor y = d.forward(x);
        y.sum().backward();
        float[] yv = y.toArray(), gx = x.gradArray();
        for (int i = 0; i < 50; i++) assertEquals(yv[i] == 0f ? 0f : 2f, gx[i], 0f);
        assertTrue(count(gx) > 0 && count(gx) < 50, "some elements survive, some are dropped");
    }

    private static int count(float[] a) {
        int n = 0;
        for (float v : a) if (v != 0f) n++;
        return n;
    }
}
