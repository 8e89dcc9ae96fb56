package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.seq.Seq2SeqTransformer;

/**
 * The engine's {@link Seq2SeqTransformer} ("seq2seq-transformer") fed by one float tensor, as the
 * trainer's batches hold inputs: [B, 2, L], row 0 the source tokens and row 1 the decoder input
 * (BOS + target), both padded with {@code padIdx} to L. Gives teacher-forced logits [B, L, V];
 * the labels are the target + EOS, padded. State-dict names are the wrapped model's.
 */
public class PackedSeq2SeqTransformer extends Seq2SeqTransformer {
    private final int vocab;
    private final int padIdx;

    /** One vocabulary for source and target; pre-LN layers, ReLU feed-forward, embeddings scaled by √d. */
    public PackedSeq2SeqTransformer(int vocab, int dModel, int numHeads, int numLayers, int dimFeedforward, int padIdx, int maxLen) {
        super(vocab, vocab, dModel, numHeads, numLayers, numLayers, dimFeedforward, 0f, padIdx, maxLen, true, true);
        this.vocab = vocab;
        this.padIdx = padIdx;
    }

    public int padIdx() {
        return padIdx;
    }

    @Override
    public Tensor forward(Tensor packed) {
        if (packed.dim() != 3 || packed.size(1) != 2) {
            throw new IllegalArgumentException("seq2seq-transformer takes [batch, 2, length] (source row, decoder-input row), got "
                    + java.util.Arrays.toString(packed.shape()));
        }
        int B = packed.size(0), L = packed.size(2);
        if (B == 0) {
            // A rank's empty share of a step: one non-padding row narrowed to none keeps every parameter in the graph.
            int[][] row = new int[1][L];
            java.util.Arrays.fill(row[0], padIdx() == 1 ? 2 : 1);
            return forward(row, row).narrow(0, 0, 0);
        }
        int[] ids = LanguageModel.tokenIds(packed, vocab);
        int[][] src = new int[B][L], tgtIn = new int[B][L];
        for (int b = 0; b < B; b++) {
            System.arraycopy(ids, (2 * b) * L, src[b], 0, L);
            System.arraycopy(ids, (2 * b + 1) * L, tgtIn[b], 0, L);
        }
        return forward(src, tgtIn);
    }

    public int vocabSize() {
        return vocab;
    }
}
