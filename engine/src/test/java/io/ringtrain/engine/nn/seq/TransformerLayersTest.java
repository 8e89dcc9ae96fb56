package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.LayerGolden;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoder and decoder layers: PyTorch golden in both norm placements, gradients, padding and causal invariance. */
class TransformerLayersTest {
    private static final SplittableRandom RNG = new SplittableRandom(41);
    // float32 through attention, two LayerNorms and a feed-forward block: ~1e-6 relative; 2e-5/2e-4 leaves margin.
    private static final double ATOL = 2e-5, RTOL = 2e-4;

    @Test
    void postLnEncoderLayerWithReluMatchesPyTorch() {
        encoderGolden("seq_encoder_layer_post_ln", false, FeedForwardActivation.RELU);
    }

    @Test
    void preLnEncoderLayerWithGeluMatchesPyTorch() {
        encoderGolden("seq_encoder_layer_pre_ln", true, FeedForwardActivation.GELU);
    }

    @Test
    void postLnDecoderLayerWithReluMatchesPyTorch() {
        decoderGolden("seq_decoder_layer_post_ln", false, FeedForwardActivation.RELU);
    }

    @Test
    void preLnDecoderLayerWithGeluMatchesPyTorch() {
        decoderGolden("seq_decoder_layer_pre_ln", true, FeedForwardActivation.GELU);
    }

    private static void encoderGolden(String name, boolean normFirst, FeedForwardActivation act) {
        Golden g = Golden.load(name);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0f, act, 1e-5f, true, normFirst);
        LayerGolden.loadParameters(g, layer);
        Tensor src = g.get("src").requiresGrad(true);
        Tensor y = layer.forward(src, null, Masks.toBoolean(g.get("key_padding_mask")), null);
        LayerGolden.compareOutputsAndLoss(g, Map.of("y", y), ATOL, RTOL).backward();
        g.assertClose("grad.src", src.grad(), ATOL, RTOL);
        LayerGolden.compareParameterGradients(g, layer, ATOL, RTOL);
    }

    private static void decoderGolden(String name, boolean normFirst, FeedForwardActivation act) {
        Golden g = Golden.load(name);
        TransformerDecoderLayer layer = new TransformerDecoderLayer(8, 2, 16, 0f, act, 1e-5f, true, normFirst);
        LayerGolden.loadParameters(g, layer);
        Tensor tgt = g.get("tgt").requiresGrad(true), memory = g.get("memory").requiresGrad(true);
        Tensor y = layer.forward(tgt, memory, AttentionMask.causal(4), null,
                Masks.toBoolean(g.get("tgt_key_padding_mask")), Masks.toBoolean(g.get("memory_key_padding_mask")));
        LayerGolden.compareOutputsAndLoss(g, Map.of("y", y), ATOL, RTOL).backward();
        g.assertClose("grad.tgt", tgt.grad(), ATOL, RTOL);
        g.assertClose("grad.memory", memory.grad(), ATOL, RTOL);
        LayerGolden.compareParameterGradients(g, layer, ATOL, RTOL);
    }

    @Test
    void encoderAndDecoderLayerGradientsMatchFiniteDifferences() {
        TransformerEncoderLayer enc = new TransformerEncoderLayer(4, 2, 6, 0f, FeedForwardActivation.LEAKY_RELU, 1e-5f, true, true);
        boolean[][] kpm = Masks.padding(new int[] {3, 2}, 3);
        GradCheck.check("encoder layer (pre-LN, LeakyReLU)", in -> enc.forward(in.get(0), null, kpm, null),
                Tensor.randn(RNG, 2, 3, 4), enc.namedParameters().get("linear1.weight"), enc.namedParameters().get("norm1.weight"));
        TransformerDecoderLayer dec = new TransformerDecoderLayer(4, 2, 6, 0f, FeedForwardActivation.GELU, 1e-5f, true, false);
        GradCheck.check("decoder layer (post-LN, GELU)", in -> dec.forward(in.get(0), in.get(1), AttentionMask.causal(2), null, null, kpm),
                Tensor.randn(RNG, 2, 2, 4), Tensor.randn(RNG, 2, 3, 4), dec.namedParameters().get("multihead_attn.in_proj_weight"));
    }

    @Test
    void encoderStackIgnoresAppendedPaddingAndGivesItNoGradient() {
        Init.manualSeed(5);
        TransformerEncoder encoder = new TransformerEncoder(
                () -> new TransformerEncoderLayer(8, 2, 16, 0f, FeedForwardActivation.RELU, 1e-5f, true, false), 2, new io.ringtrain.engine.nn.LayerNorm(8));
        int[] lengths = {4, 2};
        Tensor x = Tensor.randn(RNG, 2, 4, 8);
        Tensor padded = Tensor.cat(List.of(x, Tensor.randn(RNG, 2, 3, 8).mul(5f).detach()), 1).requiresGrad(true);
        Tensor shortRun = encoder.forward(x, null, Masks.padding(lengths, 4));
        Tensor longRun = encoder.forward(padded, null, Masks.padding(lengths, 7));
        assertRealPositionsEqual(shortRun, longRun, lengths);
        realPositionLoss(longRun, lengths).backward();
        assertNoGradientAtPadding(padded.grad(), lengths);
    }

    @Test
    void decoderStackIgnoresAppendedPaddingAndGivesItNoGradient() {
        Init.manualSeed(6);
        TransformerDecoder decoder = new TransformerDecoder(
                () -> new TransformerDecoderLayer(8, 2, 16, 0f, FeedForwardActivation.RELU, 1e-5f, true, true), 2, new io.ringtrain.engine.nn.LayerNorm(8));
        int[] tgtLengths = {3, 2}, memLengths = {2, 4};
        Tensor tgt = Tensor.randn(RNG, 2, 3, 8), memory = Tensor.randn(RNG, 2, 4, 8);
        Tensor tgtPadded = Tensor.cat(List.of(tgt, Tensor.randn(RNG, 2, 2, 8).mul(5f).detach()), 1).requiresGrad(true);
        Tensor memPadded = Tensor.cat(List.of(memory, Tensor.randn(RNG, 2, 3, 8).mul(5f).detach()), 1).requiresGrad(true);
        Tensor shortRun = decoder.forward(tgt, memory, AttentionMask.causal(3), null, Masks.padding(tgtLengths, 3), Masks.padding(memLengths, 4));
        Tensor longRun = decoder.forward(tgtPadded, memPadded, AttentionMask.causal(5), null, Masks.padding(tgtLengths, 5), Masks.padding(memLengths, 7));
        assertRealPositionsEqual(shortRun, longRun, tgtLengths);
        realPositionLoss(longRun, tgtLengths).backward();
        assertNoGradientAtPadding(tgtPadded.grad(), tgtLengths);
        assertNoGradientAtPadding(memPadded.grad(), memLengths);
    }

    @Test
    void decoderOutputAtTDoesNotDependOnLaterTargets() {
        Init.manualSeed(7);
        TransformerDecoder decoder = new TransformerDecoder(
                () -> new TransformerDecoderLayer(8, 2, 16, 0f, FeedForwardActivation.GELU, 1e-5f, true, false), 2, null);
        Tensor tgt = Tensor.randn(RNG, 2, 6, 8), memory = Tensor.randn(RNG, 2, 4, 8);
        Tensor base = decoder.forward(tgt, memory, AttentionMask.causal(6), null, null, null);
        for (int t = 0; t < 5; t++) {
            Tensor changed = tgt.copy().detach();
            for (int s = t + 1; s < 6; s++) for (int b = 0; b < 2; b++) for (int k = 0; k < 8; k++) changed.set(100f * (float) RNG.nextGaussian(), b, s, k);
            Tensor y = decoder.forward(changed, memory, AttentionMask.causal(6), null, null, null);
            float[] a = base.narrow(1, 0, t + 1).toArray(), c = y.narrow(1, 0, t + 1).toArray();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], c[i], 1e-6f, "position ≤ " + t + " changed when later targets changed");
            assertTrue(Math.abs(base.get(0, 5, 0) - y.get(0, 5, 0)) > 1e-4, "the last position does see the changed targets");
        }
    }

    private static void assertRealPositionsEqual(Tensor shortRun, Tensor longRun, int[] lengths) {
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                for (int k = 0; k < shortRun.size(2); k++) {
                    assertEquals(shortRun.get(b, t, k), longRun.get(b, t, k), 1e-6f, "batch " + b + " position " + t + " feature " + k);
                }
            }
        }
    }

    /** Σ w·y over real positions only (padded outputs are not part of any loss). */
    private static Tensor realPositionLoss(Tensor y, int[] lengths) {
        float[] mask = new float[y.numel()];
        int L = y.size(1), d = y.size(2);
        for (int b = 0; b < lengths.length; b++) for (int t = 0; t < lengths[b]; t++) for (int k = 0; k < d; k++) mask[(b * L + t) * d + k] = 1f + k;
        return y.mul(Tensor.of(mask, y.shape())).sum();
    }

    private static void assertNoGradientAtPadding(Tensor grad, int[] lengths) {
        for (int b = 0; b < lengths.length; b++) {
            for (int t = lengths[b]; t < grad.size(1); t++) {
                for (int k = 0; k < grad.size(2); k++) assertEquals(0f, grad.get(b, t, k), "padded position " + t + " of batch " + b);
            }
            assertTrue(grad.get(b, 0, 0) != 0f, "real positions do get gradient");
        }
    }
}
