package io.ringtrain.engine.functional;

import io.ringtrain.engine.Broadcast;
import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.cpu.VectorOps;

import java.util.Arrays;

/**
 * Element-wise operations with broadcasting: the one home of their maths, each forward beside its
 * gradient. Binary operations broadcast both operands to the common shape (NumPy rules) and sum
 * each operand's gradient back to its own shape. add, sub and mul run on the {@link VectorOps}
 * kernels (bit-for-bit the scalar loops); the unary functions take their derivative as a
 * function of the input x and the output y.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    private enum BinaryOp { ADD, SUB, MUL, DIV }

    public static Tensor add(Tensor a, Tensor b) {
        return binary(a, b, BinaryOp.ADD);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(a, b, BinaryOp.SUB);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(a, b, BinaryOp.MUL);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(a, b, BinaryOp.DIV);
    }

    private static Tensor binary(Tensor left, Tensor right, BinaryOp kind) {
        int[] leftShape = left.shape(), rightShape = right.shape();
        int[] outShape = Shape.broadcast(leftShape, rightShape);
        int n = Shape.numel(outShape);
        int row = kind == BinaryOp.ADD || kind == BinaryOp.SUB ? trailingRowLength(leftShape, rightShape, outShape) : 0;
        if (row > 0) return addRow(left, right, kind, outShape, row);
        float[] a = Broadcast.valuesAs(left, outShape), b = Broadcast.valuesAs(right, outShape);
        float[] out = new float[n];
        Workers.forRange(n, 2, (chunk, start, end) -> {
            switch (kind) {
                case ADD -> VectorOps.add(a, start, b, start, out, start, end - start);
                case SUB -> VectorOps.sub(a, start, b, start, out, start, end - start);
                case MUL -> VectorOps.mul(a, start, b, start, out, start, end - start);
                case DIV -> { for (int i = start; i < end; i++) out[i] = a[i] / b[i]; }
            }
        });
        return Tensor.fromOp(out, outShape, kind.name().toLowerCase(), g -> {
            if (left.requiresGrad()) {
                float[] ga = switch (kind) {
                    case ADD, SUB -> g;
                    case MUL -> { float[] r = new float[n]; Workers.forRange(n, 2, (c, s, e) -> VectorOps.mul(g, s, b, s, r, s, e - s)); yield r; }
                    case DIV -> { float[] r = new float[n]; for (int i = 0; i < n; i++) r[i] = g[i] / b[i]; yield r; }
                };
                // ga may be g itself (add, sub): g is this node's gradient, dropped after this call,
                // and the branch below only reads it before anything accumulates into it
                left.accumulateGradOwned(Broadcast.sumToShape(ga, outShape, leftShape));
            }
            if (right.requiresGrad()) {
                float[] gb = GradientPool.take(n); // every element written below; a residual add's was activation-sized garbage each step
                Workers.forRange(n, 2, (c, start, end) -> {
                    switch (kind) {
                        case ADD -> System.arraycopy(g, start, gb, start, end - start);
                        case SUB -> VectorOps.scale(-1f, g, start, gb, start, end - start);
                        case MUL -> VectorOps.mul(g, start, a, start, gb, start, end - start);
                        case DIV -> { for (int i = start; i < end; i++) gb[i] = -g[i] * a[i] / (b[i] * b[i]); }
                    }
                });
                right.accumulateGradOwned(Broadcast.sumToShape(gb, outShape, rightShape));
            }
        }, left, right);
    }

    /**
     * The length of the row that {@code right} repeats when {@code left} already has the output's
     * shape and {@code right}'s shape (leading 1s aside) is the output's trailing dimensions, as a
     * bias is; 0 otherwise.
     */
    private static int trailingRowLength(int[] leftShape, int[] rightShape, int[] outShape) {
        if (!Arrays.equals(leftShape, outShape) || Arrays.equals(rightShape, outShape)) return 0;
        int lead = 0;
        while (lead < rightShape.length && rightShape[lead] == 1) lead++;
        int own = rightShape.length - lead;
        if (own > outShape.length) return 0;
        for (int d = 0; d < own; d++) if (rightShape[lead + d] != outShape[outShape.length - own + d]) return 0;
        int row = Shape.numel(rightShape);
        return row > 0 && Shape.numel(outShape) % row == 0 ? row : 0;
    }

    /**
     * left ± right with right one row repeated over left's rows: the values and gradients of the
     * broadcasting path without materialising the repeated row. Rows are split over {@link Workers}
     * for the values and columns for right's gradient, each column summed in row order as
     * {@link Broadcast#sumToShape} sums it, so the bits are the same.
     */
    private static Tensor addRow(Tensor left, Tensor right, BinaryOp kind, int[] outShape, int row) {
        float[] a = left.data(), b = right.data();
        int rows = a.length / row;
        float[] out = new float[a.length];
        Workers.forRange(rows, 2L * row, (chunk, start, end) -> {
            for (int r = start; r < end; r++) {
                if (kind == BinaryOp.ADD) VectorOps.add(a, r * row, b, 0, out, r * row, row);
                else VectorOps.sub(a, r * row, b, 0, out, r * row, row);
            }
        });
        return Tensor.fromOp(out, outShape, kind.name().toLowerCase(), g -> {
            if (right.requiresGrad()) {
                float[] gb = new float[row];
                Workers.forRange(row, 2L * rows, (chunk, start, end) -> {
                    for (int r = 0; r < rows; r++) {
                        int base = r * row;
                        for (int j = start; j < end; j++) gb[j] += g[base + j];
                    }
                    if (kind == BinaryOp.SUB) for (int j = start; j < end; j++) gb[j] = -gb[j];
                });
                right.accumulateGradOwned(gb);
            }
            if (left.requiresGrad()) left.accumulateGradOwned(g);
        }, left, right);
    }

    public static Tensor add(Tensor x, float c) {
        return unary(x, "add_scalar", v -> v + c, (v, y) -> 1f);
    }

    public static Tensor mul(Tensor x, float c) {
        return unary(x, "mul_scalar", v -> v * c, (v, y) -> c);
    }

    public static Tensor exp(Tensor x) {
        return unary(x, "exp", v -> (float) Math.exp(v), (v, y) -> y);
    }

    public static Tensor log(Tensor x) {
        return unary(x, "log", v -> (float) Math.log(v), (v, y) -> 1f / v);
    }

    public static Tensor sqrt(Tensor x) {
        return unary(x, "sqrt", v -> (float) Math.sqrt(v), (v, y) -> 0.5f / y);
    }

    public static Tensor pow(Tensor x, float p) {
        return unary(x, "pow", v -> (float) Math.pow(v, p), (v, y) -> p * (float) Math.pow(v, p - 1));
    }

    public static Tensor abs(Tensor x) {
        return unary(x, "abs", Math::abs, (v, y) -> Math.signum(v));
    }

    public static Tensor tanh(Tensor x) {
        return unary(x, "tanh", v -> (float) Math.tanh(v), (v, y) -> 1f - y * y);
    }

    public static Tensor sigmoid(Tensor x) {
        return unary(x, "sigmoid", ElementwiseOps::sigmoid, (v, y) -> y * (1f - y));
    }

    public static Tensor clamp(Tensor x, float min, float max) {
        return unary(x, "clamp", v -> Math.max(min, Math.min(max, v)), (v, y) -> v >= min && v <= max ? 1f : 0f);
    }

    /** 1/(1 + e^−x), computed from the side where the exponential cannot overflow. */
    public static float sigmoid(float x) {
        return x >= 0 ? (float) (1.0 / (1.0 + Math.exp(-x))) : (float) (Math.exp(x) / (1.0 + Math.exp(x)));
    }

    /** y = f(x) element-wise; the derivative is given as a function of (x, y). */
    public static Tensor unary(Tensor input, String name, FloatUnary f, FloatDerivative dfdx) {
        float[] x = input.data();
        int n = x.length;
        float[] y = new float[n];
        for (int i = 0; i < n; i++) y[i] = f.apply(x[i]);
        return Tensor.fromOp(y, input.shape(), name, g -> {
            float[] gx = new float[n];
            for (int i = 0; i < n; i++) gx[i] = g[i] * dfdx.apply(x[i], y[i]);
            input.accumulateGrad(gx);
        }, input);
    }

    @FunctionalInterface
    public interface FloatUnary {
        float apply(float x);
    }

    @FunctionalInterface
    public interface FloatDerivative {
        float apply(float x, float y);
    }

    /** Elements where {@code mask} (broadcastable, nonzero = true) is set become {@code value}; they get no gradient. */
    public static Tensor maskedFill(Tensor input, Tensor mask, float value) {
        int[] shape = input.shape();
        float[] m = Broadcast.valuesAs(mask, shape);
        float[] x = input.data();
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = m[i] != 0f ? value : x[i];
        return Tensor.fromOp(y, shape, "masked_fill", g -> {
            float[] gx = new float[g.length];
            for (int i = 0; i < g.length; i++) gx[i] = m[i] != 0f ? 0f : g[i];
            input.accumulateGrad(gx);
        }, input);
    }
}
