package io.ringtrain.engine.models;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in sequence models: shapes, causality, gradients (finite differences), packing and sampling. */
class LanguageModelsTest {
    private static final float[] TOKENS = {0, 3, 1, 4, 2, 2, 0, 1}; // [2, 4], vocabulary of 5

    private static Tensor tokens() {
        return Tensor.of(TOKENS.clone(), 2, 4);
    }

    @Test
    void lstmGivesNextTokenLogitsPerPosition() {
        Init.manualSeed(1);
        Tensor logits = new LstmLanguageModel(5, 6, 2).forward(tokens());
        assertArrayEquals(new int[] {2, 4, 5}, logits.shape());
    }

    @Test
    void lstmGradientsMatchCentralDifferences() {
        Init.manualSeed(2);
        LstmLanguageModel model = new LstmLanguageModel(5, 3, 1);
        checkParameterGradients("char-lstm", model);
    }

    @Test
    void transformerGradientsMatchCentralDifferences() {
        Init.manualSeed(3);
        CausalTransformerLanguageModel model = new CausalTransformerLanguageModel(5, 4, 2, 1, 4);
        // Token embeddings start at N(0, 0.02²) and feed a LayerNorm over d = 4: a 1e-2 step is a large
        // relative change there, so this check uses a smaller step (float32 noise then needs a wider atol).
        GradCheck.check("char-transformer", in -> model.forward(tokens()), 1e-3, 1e-2, 3e-2, model.parameters().toArray(new Tensor[0]));
    }

    @Test
    void transformerLogitsDependOnlyOnEarlierTokens() {
        Init.manualSeed(4);
        CausalTransformerLanguageModel model = new CausalTransformerLanguageModel(5, 8, 2, 2, 4);
        float[] before = model.logits(new int[] {1, 2, 3, 4}, 1, 4).toArray();
        float[] after = model.logits(new int[] {1, 2, 3, 0}, 1, 4).toArray(); // only the last token differs
        for (int i = 0; i < 3 * 5; i++) assertEquals(before[i], after[i], 1e-6f, "position " + i / 5 + " must not see the last token");
        boolean lastChanged = false;
        for (int i = 3 * 5; i < 4 * 5; i++) lastChanged |= before[i] != after[i];
        assertTrue(lastChanged, "the last position sees its own token");
    }

    /** A rank's share of a step may be empty: the output is [0, T, V] and backward reaches every parameter with zeros. */
    @Test
    void anEmptyBatchGivesEmptyLogitsAndZeroGradients() {
        Init.manualSeed(8);
        List<Module> models = List.of(new LstmLanguageModel(5, 4, 1), new CausalTransformerLanguageModel(5, 4, 2, 1, 4),
                new PackedSeq2SeqTransformer(5, 4, 2, 1, 8, 0, 5));
        for (Module m : models) {
            Tensor input = m instanceof PackedSeq2SeqTransformer ? Tensor.zeros(0, 2, 4) : Tensor.zeros(0, 4);
            Tensor logits = m.forward(input);
            assertArrayEquals(new int[] {0, 4, 5}, logits.shape());
            logits.sum().backward();
            for (Tensor p : m.parameters()) for (float g : p.gradArray()) assertEquals(0f, g);
        }
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRejected() {
        Init.manualSeed(5);
        var e = assertThrows(IllegalArgumentException.class, () -> new LstmLanguageModel(5, 3, 1).forward(Tensor.of(new float[] {0, 5}, 1, 2)));
        assertTrue(e.getMessage().contains("position 1") && e.getMessage().contains("[0, 4]"), e.getMessage());
    }

    @Test
    void packedSeq2SeqEqualsTheWrappedModelOnSeparateRows() {
        Init.manualSeed(6);
        PackedSeq2SeqTransformer model = new PackedSeq2SeqTransformer(7, 8, 2, 1, 16, 0, 6);
        int[][] src = {{3, 4, 5, 0}, {6, 3, 0, 0}}, tgtIn = {{1, 5, 4, 3}, {1, 3, 6, 0}};
        float[] packed = new float[2 * 2 * 4];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                packed[(2 * b) * 4 + t] = src[b][t];
                packed[(2 * b + 1) * 4 + t] = tgtIn[b][t];
            }
        }
        assertArrayEquals(model.forward(src, tgtIn).toArray(), model.forward(Tensor.of(packed, 2, 2, 4)).toArray(), 0f);
    }

    @Test
    void greedySamplingIsDeterministicAndTemperatureSamplingFollowsTheSeed() {
        Init.manualSeed(7);
        LstmLanguageModel model = new LstmLanguageModel(5, 8, 1);
        int[] prompt = {1, 2};
        assertArrayEquals(TextGeneration.sample(model, prompt, 20, 8, 0, 1), TextGeneration.sample(model, prompt, 20, 8, 0, 2));
        int[] a = TextGeneration.sample(model, prompt, 40, 8, 1.0, 11), b = TextGeneration.sample(model, prompt, 40, 8, 1.0, 11);
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(TextGeneration.sample(model, prompt, 40, 8, 1.0, 12)));
        for (int t : a) assertTrue(t >= 0 && t < 5);
    }

    /** Every parameter's gradient of Σ w·logits, by central differences (the models compose layers checked the same way). */
    private static void checkParameterGradients(String what, Module model) {
        List<Tensor> params = model.parameters();
        GradCheck.check(what, in -> model.forward(tokens()), 1e-2, 3e-3, 3e-2, params.toArray(new Tensor[0]));
    }
}
