package io.ringtrain.trainer.loop;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.loss.Reduction;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.data.Samples;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-token cross-entropy: per-sample means over real tokens, padding ignored, token accuracy and exact match. */
class TokenCrossEntropyObjectiveTest {
    private static final int PAD = 0, VOCAB = 5, STEPS = 4;

    /** Three samples with 4, 2 and 0 real tokens (the rest padding). */
    private static final float[] TARGETS = {1, 2, 3, 4, 2, 3, PAD, PAD, PAD, PAD, PAD, PAD};

    private static Tensor logits(long seed) {
        return Tensor.randn(new SplittableRandom(seed), 3, STEPS, VOCAB);
    }

    private static Batch batch(Tensor logits) {
        return new Batch(Tensor.zeros(3, STEPS), Tensor.of(TARGETS.clone(), 3, STEPS), 3);
    }

    @Test
    void lossSumIsTheSumOfEachSamplesMeanOverItsRealTokens() {
        Tensor logits = logits(1);
        double expected = 0;
        CrossEntropyLoss meanOverReal = new CrossEntropyLoss(PAD, 0f, Reduction.MEAN);
        for (int i = 0; i < 2; i++) { // the third sample is all padding and adds 0
            int[] y = new int[STEPS];
            for (int t = 0; t < STEPS; t++) y[t] = (int) TARGETS[i * STEPS + t];
            expected += meanOverReal.forward(logits.select(0, i).contiguous(), y).item();
        }
        float actual = new TokenCrossEntropyObjective(PAD).lossSum(logits, batch(logits)).item();
        assertEquals(expected, actual, 1e-5 * Math.abs(expected), "float32 sums in another order");
    }

    @Test
    void gradientMatchesCentralDifferences() {
        Tensor logits = logits(2);
        GradCheck.check("token cross-entropy", in -> new TokenCrossEntropyObjective(PAD).lossSum(in.get(0), batch(in.get(0))), logits);
    }

    @Test
    void accuracyIsPerSequenceTokenAccuracyAndCorrectCountsExactSequences() {
        // Sample 0 right at 3 of its 4 tokens, sample 1 right at both, sample 2 has no real token.
        float[] l = new float[3 * STEPS * VOCAB];
        int[] predicted = {1, 2, 3, 0, 2, 3, 4, 4, 1, 1, 1, 1};
        for (int r = 0; r < predicted.length; r++) l[r * VOCAB + predicted[r]] = 5f;
        Tensor logits = Tensor.of(l, 3, STEPS, VOCAB);
        TokenCrossEntropyObjective objective = new TokenCrossEntropyObjective(PAD);
        assertEquals(0.75 + 1.0 + 0.0, objective.accuracySum(logits, batch(logits)), 1e-12);
        assertEquals(1, objective.correct(logits, batch(logits)));
    }

    @Test
    void withoutIgnoreIndexEveryTokenCounts() {
        Tensor logits = logits(3);
        float all = new TokenCrossEntropyObjective(-1).lossSum(logits, batch(logits)).item();
        float skipping = new TokenCrossEntropyObjective(PAD).lossSum(logits, batch(logits)).item();
        assertTrue(all > skipping, "padding targets add loss when not ignored: " + all + " vs " + skipping);
    }

    @Test
    void aTokenOutsideTheVocabularyIsAnErrorNamingIt() {
        Tensor logits = logits(4);
        float[] bad = TARGETS.clone();
        bad[5] = VOCAB;
        var e = assertThrows(IllegalArgumentException.class, () -> new TokenCrossEntropyObjective(PAD)
                .lossSum(logits, new Batch(Tensor.zeros(3, STEPS), Tensor.of(bad, 3, STEPS), 3)));
        assertTrue(e.getMessage().contains("sample 1 at position 1") && e.getMessage().contains("5-token vocabulary"), e.getMessage());
    }

    @Test
    void batchesOfSequenceTargetsHaveTheTargetShape() {
        Samples windows = new Samples() {
            public int size() { return 3; }
            public int[] sampleShape() { return new int[] {STEPS}; }
            public void copySample(int index, int epoch, float[] dst, int offset) { Arrays.fill(dst, offset, offset + STEPS, index); }
            public float target(int index) { throw new UnsupportedOperationException(); }
            public int[] targetShape() { return new int[] {STEPS}; }
            public void copyTarget(int index, float[] dst, int offset) { System.arraycopy(TARGETS, index * STEPS, dst, offset, STEPS); }
        };
        Batch b = Batch.gather(windows, new int[] {2, 0}, 0);
        assertArrayEquals(new int[] {2, STEPS}, b.targets().shape());
        assertArrayEquals(new float[] {PAD, PAD, PAD, PAD, 1, 2, 3, 4}, b.targets().toArray());
        assertArrayEquals(new int[] {2, STEPS}, b.inputs().shape());
    }
}
