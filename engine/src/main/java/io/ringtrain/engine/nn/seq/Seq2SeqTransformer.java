package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.nn.Embedding;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;

import java.util.Arrays;

/**
 * An encoder–decoder Transformer over token sequences (the layout of PyTorch's translation
 * tutorial): token embeddings scaled by √d_model (optional; the tables then start N(0, 1/d_model)),
 * sinusoidal positions, a
 * {@link TransformerEncoder} and {@link TransformerDecoder} with final norms, and a {@code generator}
 * Linear to target-vocabulary logits. Everything is batch-first; tokens are {@code int[batch][length]}
 * rows padded with {@code padIdx}, from which the key-padding masks are derived.
 */
public class Seq2SeqTransformer extends Module {
    private final int dModel;
    private final int padIdx;
    private final boolean scaleEmbedding;
    private final Embedding srcTokEmb;
    private final Embedding tgtTokEmb;
    private final SinusoidalPositionalEncoding positions;
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;
    private final Linear generator;

    public Seq2SeqTransformer(int srcVocab, int tgtVocab, int dModel, int nhead, int numEncoderLayers, int numDecoderLayers,
                              int dimFeedforward, float dropout, int padIdx, int maxLen, boolean normFirst, boolean scaleEmbedding) {
        this.dModel = dModel;
        this.padIdx = padIdx;
        this.scaleEmbedding = scaleEmbedding;
        this.srcTokEmb = registerModule("src_tok_emb", new Embedding(srcVocab, dModel, padIdx));
        this.tgtTokEmb = registerModule("tgt_tok_emb", new Embedding(tgtVocab, dModel, padIdx));
        this.positions = registerModule("positional_encoding", new SinusoidalPositionalEncoding(dModel, maxLen));
        this.encoder = registerModule("encoder", new TransformerEncoder(() -> new TransformerEncoderLayer(dModel, nhead, dimFeedforward,
                dropout, FeedForwardActivation.RELU, 1e-5f, true, normFirst), numEncoderLayers, new LayerNorm(dModel)));
        this.decoder = registerModule("decoder", new TransformerDecoder(() -> new TransformerDecoderLayer(dModel, nhead, dimFeedforward,
                dropout, FeedForwardActivation.RELU, 1e-5f, true, normFirst), numDecoderLayers, new LayerNorm(dModel)));
        this.generator = registerModule("generator", new Linear(dModel, tgtVocab));
        if (scaleEmbedding) {
            // N(0, 1/d) tables, so that after the √d scaling tokens and sinusoidal positions have the
            // same magnitude (the Transformer paper's convention); N(0, 1)·√d would drown the positions.
            srcTokEmb.weight().mulInPlace((float) (1.0 / Math.sqrt(dModel)));
            tgtTokEmb.weight().mulInPlace((float) (1.0 / Math.sqrt(dModel)));
        }
    }

    /** Teacher-forced logits [B, T, tgtVocab] for target inputs {@code tgtIn} (usually BOS + target without its last token). */
    public Tensor forward(int[][] src, int[][] tgtIn) {
        boolean[][] srcPad = paddingMask(src);
        Tensor memory = encode(src, srcPad);
        return decode(tgtIn, memory, srcPad);
    }

    /** Encoder output [B, S, d]. */
    public Tensor encode(int[][] src, boolean[][] srcPad) {
        return encoder.forward(embed(srcTokEmb, src), null, srcPad);
    }

    /** Logits [B, T, tgtVocab], causal over the target. */
    public Tensor decode(int[][] tgtIn, Tensor memory, boolean[][] srcPad) {
        Tensor x = decoder.forward(embed(tgtTokEmb, tgtIn), memory, AttentionMask.causal(tgtIn[0].length), null, paddingMask(tgtIn), srcPad);
        return generator.forward(x);
    }

    /**
     * Greedy decoding: starts every row with {@code bos}, appends the most likely token until each row
     * produced {@code eos} or {@code maxLen} tokens. Returns the tokens after BOS, up to and without EOS.
     */
    public int[][] greedyDecode(int[][] src, int bos, int eos, int maxLen) {
        boolean wasTraining = isTraining();
        eval();
        try (var scope = GradMode.noGrad()) {
            boolean[][] srcPad = paddingMask(src);
            Tensor memory = encode(src, srcPad);
            int B = src.length;
            int[][] ys = new int[B][1];
            for (int[] row : ys) row[0] = bos;
            boolean[] done = new boolean[B];
            for (int step = 0; step < maxLen; step++) {
                Tensor logits = decode(ys, memory, srcPad); // [B, t, V]
                int t = ys[0].length, vocab = logits.size(2);
                int[] next = logits.narrow(1, t - 1, 1).reshape(B, vocab).argmaxLastDim();
                boolean allDone = true;
                for (int b = 0; b < B; b++) {
                    int token = done[b] ? padIdx : next[b];
                    ys[b] = Arrays.copyOf(ys[b], t + 1);
                    ys[b][t] = token;
                    if (token == eos) done[b] = true;
                    allDone &= done[b];
                }
                if (allDone) break;
            }
            int[][] out = new int[B][];
            for (int b = 0; b < B; b++) {
                int end = 1;
                while (end < ys[b].length && ys[b][end] != eos && ys[b][end] != padIdx) end++;
                out[b] = Arrays.copyOfRange(ys[b], 1, end);
            }
            return out;
        } finally {
            train(wasTraining);
        }
    }

    private Tensor embed(Embedding table, int[][] tokens) {
        int B = tokens.length, L = tokens[0].length;
        int[] flat = new int[B * L];
        for (int b = 0; b < B; b++) {
            if (tokens[b].length != L) throw new IllegalArgumentException("token row " + b + " has length " + tokens[b].length + ", row 0 has " + L + "; pad rows to one length with padIdx");
            System.arraycopy(tokens[b], 0, flat, b * L, L);
        }
        Tensor x = table.forward(flat, B, L);
        if (scaleEmbedding) x = x.mul((float) Math.sqrt(dModel));
        return positions.forward(x);
    }

    /** true where the token is padding. */
    public boolean[][] paddingMask(int[][] tokens) {
        boolean[][] m = new boolean[tokens.length][];
        for (int b = 0; b < tokens.length; b++) {
            m[b] = new boolean[tokens[b].length];
            for (int t = 0; t < tokens[b].length; t++) m[b][t] = tokens[b][t] == padIdx;
        }
        return m;
    }
}
