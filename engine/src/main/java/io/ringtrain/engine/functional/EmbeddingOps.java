package io.ringtrain.engine.functional;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

/**
 * Embedding lookup (PyTorch's {@code F.embedding}): row {@code indices[i]} of weight [V, d] for each
 * index; the gradient adds g's rows into the looked-up rows, except for {@code paddingIdx} (−1: none).
 */
public final class EmbeddingOps {
    private EmbeddingOps() {}

    /** The rows of {@code weight} for {@code indices} (row-major, of the given shape): [shape..., d]. */
    public static Tensor embedding(Tensor weight, int[] indices, int[] shape, int paddingIdx) {
        if (Shape.numel(shape) != indices.length) {
            throw new IllegalArgumentException(indices.length + " indices do not fill shape " + Shape.str(shape));
        }
        int numEmbeddings = weight.size(0), d = weight.size(1);
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
        return Tensor.fromOp(y, outShape, "embedding", g -> {
            float[] dw = new float[numEmbeddings * d];
            for (int i = 0; i < idx.length; i++) {
                int row = idx[i];
                if (row == paddingIdx) continue;
                for (int k = 0; k < d; k++) dw[row * d + k] += g[i * d + k];
            }
            weight.accumulateGrad(dw);
        }, weight);
    }
}
