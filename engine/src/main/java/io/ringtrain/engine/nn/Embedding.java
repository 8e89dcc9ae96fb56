package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.EmbeddingOps;

/**
 * A lookup table, as PyTorch's {@code nn.Embedding}: indices [...] → rows of weight
 * [numEmbeddings, embeddingDim], giving [..., embeddingDim]. Weights start N(0, 1). With a
 * {@code paddingIdx}, that row starts at zero and never receives a gradient, so padding tokens stay
 * a fixed zero vector.
 *
 * <p>Indices come as an {@code int[]} with a shape, or as a tensor holding whole numbers.
 */
public class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final int paddingIdx;
    private final Tensor weight;

    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, -1);
    }

    /** {@code paddingIdx} < 0 means none. */
    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx) {
        if (paddingIdx >= numEmbeddings) {
            throw new IllegalArgumentException("Embedding(num_embeddings=" + numEmbeddings + "): padding_idx " + paddingIdx + " is out of range");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx;
        Tensor w = Tensor.randn(Init.rng(), numEmbeddings, embeddingDim);
        if (paddingIdx >= 0) java.util.Arrays.fill(w.storage(), paddingIdx * embeddingDim, (paddingIdx + 1) * embeddingDim, 0f);
        this.weight = registerParameter("weight", w);
    }

    @Override
    public Tensor forward(Tensor indices) {
        float[] v = indices.data();
        int[] idx = new int[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = (int) v[i];
        return forward(idx, indices.shape());
    }

    /** Looks up {@code indices} (row-major, of the given shape). */
    public Tensor forward(int[] indices, int... shape) {
        return EmbeddingOps.embedding(weight, indices, shape, paddingIdx);
    }

    public Tensor weight() {
        return weight;
    }

    public int embeddingDim() {
        return embeddingDim;
    }

    public int numEmbeddings() {
        return numEmbeddings;
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }
}
