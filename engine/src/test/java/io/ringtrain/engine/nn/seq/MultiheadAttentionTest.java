package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.LayerGolden;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MultiheadAttention against PyTorch (tools/golden/seq_layers.py) and finite differences. */
class MultiheadAttentionTest {
    private static final SplittableRandom RNG = new SplittableRandom(31);
    // float32, a few hundred operations per output: ~1e-6 relative differences; 1e-5/1e-4 leaves margin.
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    @Test
    void crossAttentionWithKeyPaddingAndAdditiveMaskMatchesPyTorch() {
        Golden g = Golden.load("seq_mha_cross");
        MultiheadAttention mha = new MultiheadAttention(8, 2);
        LayerGolden.loadParameters(g, mha);
        Tensor q = g.get("query").requiresGrad(true), k = g.get("key").requiresGrad(true), v = g.get("value").requiresGrad(true);
        MultiheadAttention.Output out = mha.forward(q, k, v, Masks.toBoolean(g.get("key_padding_mask")),
                AttentionMask.additive(g.get("attn_mask")));
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("output", out.output());
        outputs.put("weights", out.weights());
        LayerGolden.compareOutputsAndLoss(g, outputs, ATOL, RTOL).backward();
        g.assertClose("grad.query", q.grad(), ATOL, RTOL);
        g.assertClose("grad.key", k.grad(), ATOL, RTOL);
        g.assertClose("grad.value", v.grad(), ATOL, RTOL);
        LayerGolden.compareParameterGradients(g, mha, ATOL, RTOL);
    }

    @Test
    void batchFirstSelfAttentionWithCausalMaskAndPerHeadWeightsMatchesPyTorch() {
        Golden g = Golden.load("seq_mha_self_causal");
        MultiheadAttention mha = new MultiheadAttention(8, 2, 0f, true);
        LayerGolden.loadParameters(g, mha);
        Tensor x = g.get("x").requiresGrad(true);
        MultiheadAttention.Output out = mha.forward(x, x, x, Masks.toBoolean(g.get("key_padding_mask")), AttentionMask.causal(5),
                true, false, null);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("output", out.output());
        outputs.put("weights", out.weights());
        LayerGolden.compareOutputsAndLoss(g, outputs, ATOL, RTOL).backward();
        g.assertClose("grad.x", x.grad(), ATOL, RTOL);
        LayerGolden.compareParameterGradients(g, mha, ATOL, RTOL);
    }

    @Test
    void gradientsMatchFiniteDifferencesWithMasksAndPositionBias() {
        MultiheadAttention mha = new MultiheadAttention(4, 2, 0f, true);
        boolean[][] kpm = Masks.padding(new int[] {3, 2}, 3);
        AttentionMask perHead = AttentionMask.additive(Tensor.randn(RNG, 4, 2, 3));
        Tensor bias = Tensor.randn(RNG, 2, 2, 3);
        Tensor[] inputs = {Tensor.randn(RNG, 2, 2, 4), Tensor.randn(RNG, 2, 3, 4), Tensor.randn(RNG, 2, 3, 4), bias,
                mha.namedParameters().get("in_proj_weight"), mha.namedParameters().get("in_proj_bias"),
                mha.namedParameters().get("out_proj.weight")};
        GradCheck.check("multi-head attention", in -> {
            MultiheadAttention.Output o = mha.forward(in.get(0), in.get(1), in.get(2), kpm, perHead, true, false, in.get(3));
            return Tensor.cat(java.util.List.of(o.output().reshape(-1), o.weights().reshape(-1)), 0);
        }, inputs);
    }

    @Test
    void selfAttentionWithoutReturnedWeightsAgreesWithTheHeadByHeadPathInBothLayouts() {
        for (boolean batchFirst : new boolean[] {true, false}) {
            MultiheadAttention mha = new MultiheadAttention(8, 2, 0f, batchFirst);
            int[] shape = batchFirst ? new int[] {2, 5, 8} : new int[] {5, 2, 8};
            boolean[][] kpm = Masks.padding(new int[] {4, 0}, 5); // the second sequence is all padding
            float[] x = Tensor.randn(RNG, shape).toArray();
            Tensor w = Tensor.randn(RNG, shape);
            Map<String, float[]> headByHead = gradients(mha, x, shape, w, kpm, true);
            Map<String, float[]> packed = gradients(mha, x, shape, w, kpm, false);
            for (String name : headByHead.keySet()) {
                float[] want = headByHead.get(name), got = packed.get(name);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5 + 1e-4 * Math.abs(want[i]), name + "[" + i + "] with batchFirst=" + batchFirst);
                }
            }
        }
    }

    /** Output and every gradient of Σ output·w; needWeights = false takes the packed path. */
    private static Map<String, float[]> gradients(MultiheadAttention mha, float[] x, int[] shape, Tensor w, boolean[][] kpm,
                                                  boolean needWeights) {
        mha.zeroGrad();
        Tensor in = Tensor.of(x.clone(), shape).requiresGrad(true);
        MultiheadAttention.Output out = mha.forward(in, in, in, kpm, AttentionMask.causal(5), needWeights, true, null);
        assertEquals(needWeights, out.weights() != null);
        out.output().mul(w).sum().backward();
        Map<String, float[]> result = new LinkedHashMap<>();
        result.put("output", out.output().toArray());
        result.put("grad.x", in.gradArray().clone());
        mha.namedParameters().forEach((name, p) -> result.put("grad." + name, p.gradArray().clone()));
        return result;
    }

    @Test
    void selfAttentionWithoutReturnedWeightsMatchesFiniteDifferences() {
        MultiheadAttention mha = new MultiheadAttention(6, 3, 0f, false);
        boolean[][] kpm = Masks.padding(new int[] {3, 2}, 3);
        Tensor[] inputs = {Tensor.randn(RNG, 3, 2, 6), mha.namedParameters().get("in_proj_weight"),
                mha.namedParameters().get("in_proj_bias"), mha.namedParameters().get("out_proj.weight")};
        GradCheck.check("packed self-attention", in -> mha.forward(in.get(0), in.get(0), in.get(0), kpm, AttentionMask.causal(3),
                false, true, null).output(), inputs);
    }

    @Test
    void fullyMaskedQueryRowGivesZeroWeightsNotNaN() {
        MultiheadAttention mha = new MultiheadAttention(4, 2, 0f, true);
        Tensor x = Tensor.randn(RNG, 1, 3, 4).requiresGrad(true);
        boolean[][] allPadding = {{true, true, true}};
        MultiheadAttention.Output out = mha.forward(x, x, x, allPadding, null);
        for (float w : out.weights().toArray()) assertEquals(0f, w);
        float[] bias = mha.namedParameters().get("out_proj.bias").toArray();
        float[] y = out.output().toArray();
        for (int i = 0; i < y.length; i++) assertEquals(bias[i % 4], y[i], 0f, "a query with nothing to attend to outputs out_proj's bias");
        out.output().sum().backward();
        for (float gx : x.gradArray()) assertFalse(Float.isNaN(gx), "no NaN gradient");
    }

    @Test
    void dropoutOnWeightsActsInTrainingOnly() {
        io.ringtrain.engine.nn.Init.manualSeed(8);
        MultiheadAttention mha = new MultiheadAttention(4, 1, 0.5f, true);
        Tensor x = Tensor.randn(RNG, 1, 6, 4);
        float[] trained = mha.forward(x, x, x).weights().toArray();
        mha.eval();
        float[] evaluated = mha.forward(x, x, x).weights().toArray();
        int dropped = 0;
        for (int q = 0; q < 6; q++) {
            double rowSum = 0;
            for (int k = 0; k < 6; k++) {
                rowSum += evaluated[q * 6 + k];
                float t = trained[q * 6 + k];
                if (t == 0f) dropped++;
                else assertEquals(2f * evaluated[q * 6 + k], t, 1e-6f, "survivors are scaled by 1/(1-p)");
            }
            assertEquals(1.0, rowSum, 1e-6, "evaluation weights are a softmax");
        }
        assertTrue(dropped > 0 && dropped < 36, "training drops some weights: " + dropped);
    }

    @Test
    void causalMaskForbidsExactlyTheFuture() {
        float[] m = AttentionMask.causal(3).additiveTensor().toArray();
        float inf = Float.NEGATIVE_INFINITY;
        assertEquals(java.util.Arrays.toString(new float[] {0, inf, inf, 0, 0, inf, 0, 0, 0}), java.util.Arrays.toString(m));
    }

    @Test
    void mismatchedMaskShapeNamesBothShapes() {
        MultiheadAttention mha = new MultiheadAttention(4, 2, 0f, true);
        Tensor x = Tensor.randn(RNG, 1, 3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> mha.forward(x, x, x, null, AttentionMask.causal(5)));
        assertTrue(e.getMessage().contains("[5, 5]") && e.getMessage().contains("[3, 3]"), e.getMessage());
    }
}
