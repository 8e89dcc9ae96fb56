package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Dropout;
import io.ringtrain.engine.nn.Embedding;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Module;

/**
 * BERT's input embeddings, as HuggingFace's {@code BertEmbeddings}:
 * <pre>
 *   x = dropout(LayerNorm(word_embeddings[ids] + position_embeddings[0..L) + token_type_embeddings[types]))
 * </pre>
 * ids and types [B, L] → [B, L, d]. Without token types every token is of type 0 (one segment).
 * Tables start N(0, 0.02²) as BERT's; the padding id's row starts at zero and gets no gradient.
 * Names {@code word_embeddings.weight}, {@code position_embeddings.weight},
 * {@code token_type_embeddings.weight}, {@code LayerNorm.weight}, {@code LayerNorm.bias} (HuggingFace's).
 */
public class BertEmbeddings extends Module {
    private final Embedding wordEmbeddings;
    private final Embedding positionEmbeddings;
    private final Embedding tokenTypeEmbeddings;
    private final LayerNorm layerNorm;
    private final Dropout dropout;

    /** {@code padId} < 0: no padding row. */
    public BertEmbeddings(int vocabSize, int dModel, int maxPositions, int typeVocabSize, int padId, float layerNormEps, float dropout) {
        this.wordEmbeddings = registerModule("word_embeddings", new Embedding(vocabSize, dModel, padId));
        this.positionEmbeddings = registerModule("position_embeddings", new Embedding(maxPositions, dModel));
        this.tokenTypeEmbeddings = registerModule("token_type_embeddings", new Embedding(typeVocabSize, dModel));
        this.layerNorm = registerModule("LayerNorm", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        for (Embedding table : new Embedding[] {wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings}) {
            table.weight().copyFrom(Init.normal(0.02f, table.numEmbeddings(), dModel));
        }
        if (padId >= 0) java.util.Arrays.fill(wordEmbeddings.weight().storage(), padId * dModel, (padId + 1) * dModel, 0f);
    }

    /**
     * @param ids   token ids [batch·length], row-major
     * @param types token types [batch·length] in [0, typeVocabSize), or null for all type 0
     */
    public Tensor forward(int[] ids, int[] types, int batch, int length) {
        if (length > positionEmbeddings.numEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds the model's " + positionEmbeddings.numEmbeddings()
                    + " positions (max_position_embeddings); shorten the sequences");
        }
        int d = wordEmbeddings.embeddingDim();
        Tensor x = wordEmbeddings.forward(ids, batch, length).add(positionEmbeddings.weight().narrow(0, 0, length));
        x = types == null ? x.add(tokenTypeEmbeddings.weight().narrow(0, 0, 1)) : x.add(tokenTypeEmbeddings.forward(types, batch, length));
        return dropout.forward(layerNorm.forward(x.reshape(batch, length, d)));
    }

    public Embedding wordEmbeddings() {
        return wordEmbeddings;
    }
}
