package io.ringtrain.engine.models;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.LayerGolden;
import io.ringtrain.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bert-encoder: PyTorch golden with a padding mask, padding independence, finite-difference gradients, names. */
class BertEncoderTest {
    private static final double ATOL = 2e-5, RTOL = 2e-4;

    /** The golden's sizes (tools/golden/bert_golden.py), dropout 0 so that training mode is deterministic. */
    private static BertEncoder goldenModel() {
        return new BertEncoder(new BertEncoder.Config(23, 16, 4, 32, 2, 12, 2, 0, 0f, 1e-12f), 3);
    }

    /** A tiny model for finite differences and padding checks: vocabulary 7, d 8, 2 heads, FFN 12, 2 layers, 6 positions, PAD 0. */
    private static BertEncoder tinyModel(long seed, int padId) {
        Init.manualSeed(seed);
        return new BertEncoder(new BertEncoder.Config(7, 8, 2, 12, 2, 6, 2, padId, 0f, 1e-12f), 3);
    }

    @Test
    void logitsSequenceAndEveryParameterGradientMatchPyTorchUnderAPaddingMask() {
        Golden g = Golden.load("bert_encoder_small");
        BertEncoder model = goldenModel();
        assertEquals(g.get("param.encoder.layers.0.self_attn.in_proj_weight").numel(), model.namedParameters()
                .get("encoder.layers.0.self_attn.in_proj_weight").numel());
        LayerGolden.loadParameters(g, model);
        Tensor ids = g.get("ids"), types = g.get("types"), padding = g.get("padding");
        int batch = ids.size(0), length = ids.size(1);
        BertEncoder.Output out = model.forward(ints(ids), ints(types), bools(padding), batch, length);
        Tensor loss = LayerGolden.compareOutputsAndLoss(g, Map.of("sequence", out.sequence(), "logits", out.logits()), ATOL, RTOL);
        loss.backward();
        LayerGolden.compareParameterGradients(g, model, ATOL, RTOL);
    }

    @Test
    void stateDictNamesFollowHuggingFaceForEmbeddingsAndPoolerAndPyTorchForTheLayers() {
        Map<String, Tensor> params = tinyModel(1, 0).namedParameters();
        for (String name : List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
                "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias", "encoder.layers.1.self_attn.in_proj_weight",
                "encoder.layers.1.self_attn.out_proj.weight", "encoder.layers.0.linear1.weight", "encoder.layers.0.norm2.bias",
                "pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias")) {
            assertTrue(params.containsKey(name), name + " missing from " + params.keySet());
        }
    }

    /** Padded positions neither attend nor are attended: what they hold changes nothing at the real positions, the pooled vector or the logits. */
    @Test
    void paddingContentChangesNeitherRealPositionsNorPooledOutputNorLogits() {
        BertEncoder model = tinyModel(2, 0);
        model.eval();
        int[] a = {1, 2, 3, 0, 0, 0, 4, 5, 6, 6, 2, 0};
        int[] b = {1, 2, 3, 5, 6, 4, 4, 5, 6, 6, 2, 3}; // the same real tokens, other tokens at the padded positions
        boolean[][] padding = {{false, false, false, true, true, true}, {false, false, false, false, false, true}};
        BertEncoder.Output x = model.forward(a, null, padding, 2, 6), y = model.forward(b, null, padding, 2, 6);
        Golden.assertClose("logits", x.logits(), y.logits(), 1e-6, 0);
        Golden.assertClose("pooled", x.pooled(), y.pooled(), 1e-6, 0);
        float[] sx = x.sequence().toArray(), sy = y.sequence().toArray();
        for (int bt = 0; bt < 12; bt++) {
            if (padding[bt / 6][bt % 6]) continue;
            for (int k = 0; k < 8; k++) assertEquals(sx[bt * 8 + k], sy[bt * 8 + k], 1e-6f, "real position " + bt % 6 + " of sequence " + bt / 6);
        }
        BertEncoder.Output unmasked = model.forward(b, null, null, 2, 6);
        assertNotEquals(x.logits().toArray()[0], unmasked.logits().toArray()[0], "without the mask the padded tokens would be attended");
    }

    @Test
    void aPaddedSequenceGivesTheLogitsOfTheSameSequenceUnpadded() {
        BertEncoder model = tinyModel(3, 0);
        model.eval();
        Tensor padded = model.forward(Tensor.of(new float[] {1, 4, 2, 0, 0, 0}, 1, 6));
        Tensor alone = model.forward(Tensor.of(new float[] {1, 4, 2}, 1, 3));
        Golden.assertClose("logits", alone, padded, 1e-5, 1e-5);
    }

    @Test
    void tensorInputTreatsThePadIdAsPadding() {
        BertEncoder model = tinyModel(4, 0);
        model.eval();
        int[] ids = {1, 2, 3, 0, 0, 0, 4, 5, 6, 6, 2, 0};
        float[] asFloats = new float[ids.length];
        for (int i = 0; i < ids.length; i++) asFloats[i] = ids[i];
        Tensor viaTensor = model.forward(Tensor.of(asFloats, 2, 6));
        Tensor viaMask = model.forward(ids, null, model.paddingOf(ids, 2, 6), 2, 6).logits();
        assertArrayEquals(viaMask.toArray(), viaTensor.toArray());
        assertTrue(model.paddingOf(ids, 2, 6)[0][3] && !model.paddingOf(ids, 2, 6)[1][4]);
    }

    @Test
    void sequencesThatStartWithPaddingOrExceedThePositionsAreRejected() {
        BertEncoder model = tinyModel(5, 0);
        IllegalArgumentException leading = assertThrows(IllegalArgumentException.class, () -> model.forward(Tensor.of(new float[] {0, 1, 2}, 1, 3)));
        assertTrue(leading.getMessage().contains("starts with padding"), leading.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> model.forward(Tensor.ones(1, 7)));
        assertTrue(tooLong.getMessage().contains("exceeds the model's 6 positions"), tooLong.getMessage());
    }

    @Test
    void anEmptyBatchGivesEmptyLogitsAndZeroGradients() {
        BertEncoder model = tinyModel(6, 0);
        Tensor logits = model.forward(Tensor.zeros(0, 4));
        assertArrayEquals(new int[] {0, 3}, logits.shape());
        logits.sum().backward();
        for (Tensor p : model.parameters()) for (float v : p.gradArray()) assertEquals(0f, v);
    }

    /** The embeddings (word, position, token-type tables and their LayerNorm) by central differences, through the encoder's states. */
    @Test
    void embeddingGradientsMatchCentralDifferences() {
        BertEncoder model = tinyModel(7, -1); // no padding row: its gradient is zero by design, not by the maths
        int[] ids = {1, 2, 3, 6, 4, 5, 6, 2};
        int[] types = {0, 0, 1, 1, 0, 1, 1, 1};
        boolean[][] padding = {{false, false, false, false}, {false, false, true, true}};
        GradCheck.check("bert embeddings", in -> model.forward(ids, types, padding, 2, 4).sequence(), 1e-3, 1e-2, 3e-2,
                parametersUnder(model, "embeddings.").toArray(new Tensor[0]));
    }

    /** The post-LN layer stack (attention under a padding mask, GELU feed-forward, both LayerNorms) and the pooled head. */
    @Test
    void layerStackAndHeadGradientsMatchCentralDifferences() {
        BertEncoder model = tinyModel(8, -1);
        int[] ids = {1, 2, 3, 6, 4, 5, 6, 2};
        boolean[][] padding = {{false, false, false, false}, {false, false, true, true}};
        GradCheck.check("bert layer stack", in -> model.forward(ids, null, padding, 2, 4).sequence(), 1e-2, 3e-3, 3e-2,
                parametersUnder(model, "encoder.").toArray(new Tensor[0]));
        List<Tensor> head = new ArrayList<>(parametersUnder(model, "pooler."));
        head.addAll(parametersUnder(model, "classifier."));
        GradCheck.check("bert pooler and classifier", in -> model.forward(ids, null, padding, 2, 4).logits(), 1e-2, 3e-3, 3e-2, head.toArray(new Tensor[0]));
    }

    @Test
    void bertBaseHasBertBaseSizes() {
        BertEncoder.Config base = BertEncoder.Config.base();
        assertEquals(List.of(30522, 768, 12, 3072, 12, 512, 2), List.of(base.vocabSize(), base.dModel(), base.heads(), base.feedForward(),
                base.layers(), base.maxPositions(), base.typeVocabSize()));
        assertThrows(IllegalArgumentException.class, () -> new BertEncoder.Config(10, 30, 4, 8, 1, 8, 2, 0, 0f, 1e-12f));
    }

    private static List<Tensor> parametersUnder(Module model, String prefix) {
        List<Tensor> out = new ArrayList<>();
        model.namedParameters().forEach((name, p) -> {
            if (name.startsWith(prefix)) out.add(p);
        });
        return out;
    }

    private static int[] ints(Tensor t) {
        float[] v = t.toArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    private static boolean[][] bools(Tensor t) {
        boolean[][] m = new boolean[t.size(0)][t.size(1)];
        for (int r = 0; r < t.size(0); r++) for (int c = 0; c < t.size(1); c++) m[r][c] = t.get(r, c) != 0f;
        return m;
    }
}
