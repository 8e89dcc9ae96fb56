package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

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
        if (Shape.numel(shape) != indices.length) {
            throw new IllegalArgumentException(indices.length + " indices do not fill shape " + Shape.str(shape));
        }
        int d = embeddingDim;
        float[] w = weight.data();
        float[] y = new float[indices.length * d];
        for (int i = 0; i < indices.length; i++) {
            int row = indices[i];
            if (row < 0 || row >= numEmbeddings) {
                throw new IndexOutOfBoundsException("index " + row + " at position " + i + " is outside Embedding(num_embeddings="
                        + numEmbeddings + "); check the vocabulary size");
            }
            System.arraycopy(w, row * d, y, i * d, d);
        }
        int[] outShape = java.util.Arrays.copyOf(shape, shape.length + 1);
        outShape[shape.length] = d;
        int[] idx = indices.clone();
        Tensor wt = weight;
        return Tensor.fromOp(y, outShape, "embedding", g -> {
            float[] dw = new float[numEmbeddings * d];
            for (int i = 0; i < idx.length; i++) {
                int row = idx[i];
                if (row == paddingIdx) continue;
                for (int k = 0; k < d; k++) dw[row * d + k] += g[i * d + k];
            }
            wt.accumulateGrad(dw);
        }, weight);
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
