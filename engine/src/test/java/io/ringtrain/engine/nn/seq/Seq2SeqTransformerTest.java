package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Seq2SeqTransformerTest {
    @Test
    void teacherForcedLogitsHaveOneRowPerTargetPositionAndIgnoreSourcePadding() {
        Init.manualSeed(3);
        Seq2SeqTransformer model = new Seq2SeqTransformer(7, 9, 8, 2, 1, 1, 16, 0f, 0, 32, true, true);
        int[][] src = {{3, 4, 5, 0, 0}, {6, 3, 4, 5, 6}};
        int[][] tgt = {{1, 4, 5}, {1, 3, 0}};
        Tensor logits = model.forward(src, tgt);
        assertArrayEquals(new int[] {2, 3, 9}, logits.shape());
        // the first row's source padding must not matter: drop it and compare (exact: masked keys add exact zeros)
        Tensor alone = model.forward(new int[][] {{3, 4, 5}}, new int[][] {{1, 4, 5}});
        float[] a = alone.toArray(), b = logits.narrow(0, 0, 1).toArray();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-6f);
    }

    @Test
    void greedyDecodingStopsAtEosOrMaxLength() {
        Init.manualSeed(4);
        Seq2SeqTransformer model = new Seq2SeqTransformer(7, 7, 8, 2, 1, 1, 16, 0f, 0, 32, false, true);
        int[][] out = model.greedyDecode(new int[][] {{3, 4, 5}, {6, 0, 0}}, 1, 2, 6);
        assertEquals(2, out.length);
        for (int[] row : out) {
            assertTrue(row.length <= 6, "at most maxLen tokens");
            for (int token : row) assertTrue(token != 2 && token != 0, "the result stops before EOS and never contains PAD");
        }
        assertTrue(model.isTraining(), "decoding restores the training flag");
    }
}
