package io.ringtrain.engine.functional;

import io.ringtrain.engine.Broadcast;
import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cpu.VectorOps;

import java.util.Arrays;

/**
 * Batched matrix product with PyTorch's matmul rules, forward beside backward. Every GEMM goes to
 * the replica's backend ({@link Placement}); a transposed view is handed to GEMM as a transposed
 * operand rather than copied.
 */
public final class MatMulOps {
    private MatMulOps() {}

    /**
     * a [..., m, k] × b [..., k, n] → [..., m, n] for rank ≥ 2 on the left, batch dimensions
     * broadcast. A 1-D right operand is treated as a column. dA = g·Bᵀ and dB = Aᵀ·g, each summed
     * over the batch entries its operand was broadcast to.
     */
    public static Tensor matmul(Tensor left, Tensor right) {
        if (right.dim() == 1) return matmul(left, right.unsqueeze(1)).squeeze(-1);
        int[] leftShape = left.shape(), rightShape = right.shape();
        if (left.dim() < 2) throw new IllegalArgumentException("matmul needs rank ≥ 2 on the left, got shape " + Shape.str(leftShape));
        int m = leftShape[left.dim() - 2], k = leftShape[left.dim() - 1];
        int k2 = rightShape[right.dim() - 2], n = rightShape[right.dim() - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(leftShape) + " and " + Shape.str(rightShape)
                    + " do not align (" + k + " columns vs " + k2 + " rows)");
        }
        if (right.dim() == 2 && left.dim() > 2 && left.isContiguous()) {
            // [..., m, k] × [k, n] is one [(…·m), k] × [k, n] GEMM: one call, and dB needs no sum over the batch
            int[] outShape = leftShape.clone();
            outShape[outShape.length - 1] = n;
            return matmul(left.reshape(-1, k), right).reshape(outShape);
        }
        Tensor a = gemmReady(left), b = gemmReady(right);
        int[] batch = Shape.broadcast(Arrays.copyOf(leftShape, left.dim() - 2), Arrays.copyOf(rightShape, right.dim() - 2));
        int batches = Shape.numel(batch);
        float[] out = new float[batches * m * n];
        int[] aOffsets = batchOffsets(a, batch), bOffsets = batchOffsets(b, batch);
        MatrixLayout la = MatrixLayout.of(a), lb = MatrixLayout.of(b);
        float[] aData = a.storage(), bData = b.storage();
        Backend backend = Placement.backend(); // once per call, not per batch entry (as Conv2dKernels)
        for (int i = 0; i < batches; i++) {
            backend.sgemm(la.transposed, lb.transposed, m, n, k, 1f, aData, aOffsets[i], la.ld,
                    bData, bOffsets[i], lb.ld, 0f, out, i * m * n, n);
        }
        return Tensor.fromOp(out, withMatrix(batch, m, n), "matmul", g -> {
            Backend gradBackend = Placement.backend();
            if (left.requiresGrad()) {
                // dA = g · Bᵀ, summed over broadcast batch entries
                float[] ga = GradientPool.take(batches * m * k); // every element written: beta = 0
                for (int i = 0; i < batches; i++) {
                    gradBackend.sgemm(false, !lb.transposed, m, k, n, 1f, g, i * m * n, n, bData, bOffsets[i], lb.ld, 0f, ga, i * m * k, k);
                }
                left.accumulateGradOwned(Broadcast.sumToShape(ga, withMatrix(batch, m, k), leftShape));
            }
            if (right.requiresGrad()) {
                // dB = Aᵀ · g
                float[] gb = GradientPool.take(batches * k * n); // every element written: beta = 0
                for (int i = 0; i < batches; i++) {
                    gradBackend.sgemm(!la.transposed, false, k, n, m, 1f, aData, aOffsets[i], la.ld, g, i * m * n, n, 0f, gb, i * k * n, n);
                }
                right.accumulateGradOwned(Broadcast.sumToShape(gb, withMatrix(batch, k, n), rightShape));
            }
        }, left, right);
    }

    /**
     * A linear layer's y = x·Wᵀ + b as one recorded operation (PyTorch's {@code addmm} in
     * {@code F.linear}): x [m, k], weight [n, k], bias [n] or null → y [m, n].
     * Backward: dx = g·W, dW = gᵀ·x, db = column sums of g. A non-contiguous weight takes the
     * matmul and add ops instead.
     *
     * <p>One node instead of matmul then add, so that the product before the bias is not kept:
     * the add node's inputs held it until backward reached it, an array as large as the output
     * (for a BERT-base layer's FFN, 4·tokens·3072 bytes) that backward never reads. The forward
     * adds the bias after the GEMM and db sums the rows in order, as the two separate ops did.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.dim() != 2 || weight.dim() != 2 || x.size(1) != weight.size(1)
                || (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0)))) {
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape()) + ", weight " + Shape.str(weight.shape())
                    + (bias == null ? "" : ", bias " + Shape.str(bias.shape())) + " are not [m, k], [n, k], [n]");
        }
        if (!weight.isContiguous()) {
            Tensor y = matmul(x, weight.t());
            return bias == null ? y : y.add(bias);
        }
        int m = x.size(0), k = x.size(1), n = weight.size(0), wo = weight.storageOffset();
        float[] xd = x.data(), wd = weight.storage(), bd = bias == null ? null : bias.data();
        float[] out = new float[m * n];
        Placement.backend().sgemm(false, true, m, n, k, 1f, xd, 0, k, wd, wo, k, 0f, out, 0, n);
        if (bd != null) {
            Workers.forRange(m, 2L * n, (chunk, start, end) -> {
                for (int r = start; r < end; r++) VectorOps.add(out, r * n, bd, 0, out, r * n, n);
            });
        }
        return Tensor.fromOp(out, new int[] {m, n}, "linear", g -> {
            if (bias != null && bias.requiresGrad()) {
                float[] gb = new float[n];
                Workers.forRange(n, 2L * m, (chunk, start, end) -> {
                    for (int r = 0; r < m; r++) {
                        int base = r * n;
                        for (int j = start; j < end; j++) gb[j] += g[base + j];
                    }
                });
                bias.accumulateGradOwned(gb);
            }
            if (x.requiresGrad()) {
                float[] gx = GradientPool.take(m * k); // every element written: beta = 0
                Placement.backend().sgemm(false, false, m, k, n, 1f, g, 0, n, wd, wo, k, 0f, gx, 0, k);
                x.accumulateGradOwned(gx);
            }
            if (weight.requiresGrad()) {
                float[] gw = GradientPool.take(n * k); // every element written: beta = 0
                Placement.backend().sgemm(true, false, n, k, m, 1f, g, 0, n, xd, 0, k, 0f, gw, 0, k);
                weight.accumulateGradOwned(gw);
            }
        }, x, weight, bias);
    }

    private static int[] withMatrix(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    /** A tensor whose last two dims are row-major or transposed (unit stride on one of them); copies otherwise. */
    private static Tensor gemmReady(Tensor t) {
        int r = t.dim();
        int[] shape = t.shape(), strides = t.strides();
        int rowStride = strides[r - 2], colStride = strides[r - 1];
        int rows = shape[r - 2], cols = shape[r - 1];
        boolean rowMajor = colStride == 1 || cols == 1;
        boolean colMajor = rowStride == 1 || rows == 1;
        if ((rowMajor && rowStride >= cols) || (colMajor && colStride >= rows)) return t;
        return Tensor.of(t.toArray(), shape);
    }

    private record MatrixLayout(boolean transposed, int ld) {
        static MatrixLayout of(Tensor t) {
            int r = t.dim();
            int[] shape = t.shape(), strides = t.strides();
            int rows = shape[r - 2], cols = shape[r - 1];
            int rowStride = strides[r - 2], colStride = strides[r - 1];
            if ((colStride == 1 || cols == 1) && rowStride >= cols) return new MatrixLayout(false, Math.max(rowStride, 1));
            return new MatrixLayout(true, Math.max(colStride, 1));
        }
    }

    /** Storage offset of each matrix of {@code t} when its batch dims are broadcast to {@code batch}, row-major. */
    private static int[] batchOffsets(Tensor t, int[] batch) {
        int[] shape = t.shape(), strides = t.strides();
        int own = t.dim() - 2, lead = batch.length - own;
        // Stride per broadcast batch dim: 0 where t has no such dim or size 1 there.
        int[] stepOf = new int[batch.length];
        for (int d = 0; d < own; d++) stepOf[lead + d] = shape[d] == 1 ? 0 : strides[d];
        int count = Shape.numel(batch);
        int[] offsets = new int[count];
        int[] index = new int[batch.length];
        int position = t.storageOffset();
        for (int i = 0; i < count; i++) {
            offsets[i] = position;
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++index[d] < batch[d]) {
                    position += stepOf[d];
                    break;
                }
                position -= stepOf[d] * (batch[d] - 1);
                index[d] = 0;
            }
        }
        return offsets;
    }
}
