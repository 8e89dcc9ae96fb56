package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PositionalEncodingTest {
    private static final SplittableRandom RNG = new SplittableRandom(51);

    @Test
    void sinusoidalTableFollowsTheTransformerPaper() {
        float[] pe = SinusoidalPositionalEncoding.table(6, 50);
        // PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...); float32 rounding only.
        assertEquals(Math.sin(7 / Math.pow(10000, 2.0 / 6)), pe[7 * 6 + 2], 1e-6);
        assertEquals(Math.cos(7 / Math.pow(10000, 4.0 / 6)), pe[7 * 6 + 5], 1e-6);
        assertEquals(1f, pe[1], 0f, "cos(0) at position 0");
        Tensor x = Tensor.zeros(2, 3, 6);
        Tensor y = new SinusoidalPositionalEncoding(6, 50).forward(x, 7);
        assertEquals(pe[7 * 6 + 2], y.get(1, 0, 2), 0f, "offset 7 starts at row 7");
    }

    @Test
    void randomOffsetVariesInTrainingAndIsZeroInEvaluation() {
        RandomOffsetSinusoidalEncoding enc = new RandomOffsetSinusoidalEncoding(4, 64, 40, new SplittableRandom(1));
        Tensor x = Tensor.zeros(8, 5, 4);
        float[] plain = new SinusoidalPositionalEncoding(4, 64).forward(x).toArray();
        assertNotEquals(java.util.Arrays.toString(plain), java.util.Arrays.toString(enc.forward(x).toArray()), "training shifts positions");
        enc.eval();
        assertArrayEquals(plain, enc.forward(x).toArray(), 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> enc.forward(Tensor.zeros(1, 65, 4)));
        assertTrue(e.getMessage().contains("max_len=64"), e.getMessage());
    }

    @Test
    void learnedPositionsAreTrainedParameters() {
        Init.manualSeed(2);
        LearnedPositionalEmbedding pos = new LearnedPositionalEmbedding(10, 4);
        GradCheck.check("learned positions", in -> pos.forward(in.get(0), 2), Tensor.randn(RNG, 2, 3, 4), pos.weight());
        assertEquals("weight", pos.namedParameters().keySet().iterator().next());
    }

    @Test
    void rotaryScoresDependOnlyOnRelativePosition() {
        RotaryEmbedding rope = new RotaryEmbedding(8);
        Tensor q = Tensor.randn(RNG, 1, 8), k = Tensor.randn(RNG, 1, 8);
        // q at position m, k at position n: the dot product is a function of m − n (float32: 1e-5)
        double a = dot(rope.apply(q, 5), rope.apply(k, 2)), b = dot(rope.apply(q, 13), rope.apply(k, 10));
        assertEquals(a, b, 1e-5);
        assertNotEquals(a, dot(rope.apply(q, 5), rope.apply(k, 4)), 1e-3);
        assertEquals(dot(q, q), dot(rope.apply(q, 9), rope.apply(q, 9)), 1e-5, "a rotation keeps the norm");
        GradCheck.check("rope", in -> rope.apply(in.get(0), 3), Tensor.randn(RNG, 2, 4, 8));
    }

    @Test
    void attentionWithRotaryEmbeddingHasCorrectGradients() {
        MultiheadAttention mha = new MultiheadAttention(8, 2, 0f, true).setRotary(new RotaryEmbedding(4));
        GradCheck.check("attention with RoPE", in -> mha.forward(in.get(0), in.get(0), in.get(0)).output(), Tensor.randn(RNG, 1, 3, 8));
    }

    @Test
    void t5BucketsMatchTheReferenceFormula() {
        Golden g = Golden.load("seq_t5_buckets");
        float[] rel = g.get("relative_position").toArray(), bi = g.get("bidirectional").toArray(), uni = g.get("unidirectional").toArray();
        for (int i = 0; i < rel.length; i++) {
            assertEquals((int) bi[i], RelativePositionBias.bucket((int) rel[i], true, 32, 128), "bidirectional bucket of " + rel[i]);
            assertEquals((int) uni[i], RelativePositionBias.bucket((int) rel[i], false, 32, 128), "unidirectional bucket of " + rel[i]);
        }
    }

    @Test
    void relativeBiasIsLearnedPerHeadAndBucket() {
        RelativePositionBias bias = new RelativePositionBias(2, 8, 16, true);
        Tensor table = bias.namedParameters().get("relative_attention_bias.weight");
        assertArrayEquals(new int[] {2, 3, 5}, bias.forward(3, 5).shape());
        GradCheck.check("relative bias", in -> bias.forward(3, 4), table);
        HybridPositionalEncoding hybrid = new HybridPositionalEncoding(new SinusoidalPositionalEncoding(4, 16), bias);
        assertArrayEquals(new int[] {1, 3, 4}, hybrid.addAbsolute(Tensor.zeros(1, 3, 4)).shape());
        assertEquals(bias.forward(2, 2).toArray()[1], hybrid.attentionBias(2, 2).toArray()[1]);
    }

    private static double dot(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }
}
