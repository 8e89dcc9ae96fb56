package io.ringtrain.engine;

import io.ringtrain.engine.autograd.BackwardFn;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.functional.ActivationOps;
import io.ringtrain.engine.functional.ConcatOps;
import io.ringtrain.engine.functional.ElementwiseOps;
import io.ringtrain.engine.functional.MatMulOps;
import io.ringtrain.engine.functional.ReductionOps;
import io.ringtrain.engine.functional.SoftmaxOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A float32 n-dimensional array with reverse-mode autograd: storage, views and the autograd node.
 *
 * <p>Storage is a {@code float[]} plus offset and strides, contiguous row-major by default. View
 * operations ({@link #reshape}, {@link #transpose}, {@link #permute}, {@link #narrow},
 * {@link #expand}) share storage where possible; everything else returns a new contiguous tensor.
 *
 * <p>The operations' maths lives in {@code io.ringtrain.engine.functional} (element-wise,
 * reductions, softmax, concatenation, matmul), each forward beside its gradient; the methods here are
 * their PyTorch-style spellings ({@code x.add(y)}, {@code x.softmax(-1)}).
 *
 * <p>Autograd follows micrograd: each operation that sees an input with {@code requiresGrad}
 * records its inputs and a {@link BackwardFn} ({@link #fromOp}); {@link #backward()} walks the
 * recorded graph in reverse topological order ({@link AutogradGraph}). Leaf gradients accumulate
 * across calls until cleared with {@link #zeroGrad()}; intermediate gradients are dropped as soon
 * as they have been used.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    private boolean requiresGrad;
    // The autograd node, walked by AutogradGraph.
    float[] grad;
    Tensor[] inputs;
    BackwardFn backwardFn;
    private String op;
    List<Consumer<Tensor>> gradReadyHooks;

    private Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---------------------------------------------------------------- creation

    /** Wraps {@code data} (not copied) as a contiguous tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape "
                    + Shape.str(shape) + " needs " + n);
        }
        return new Tensor(data, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    public static Tensor zeros(int... shape) {
        return of(new float[Shape.numel(shape)], shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return of(d, shape);
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    /** Standard normal samples (Box–Muller) from a seeded generator. */
    public static Tensor randn(SplittableRandom rng, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i += 2) {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            d[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < d.length) d[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
        }
        return of(d, shape);
    }

    /** Uniform samples in [low, high). */
    public static Tensor uniform(SplittableRandom rng, float low, float high, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (low + (high - low) * rng.nextDouble());
        return of(d, shape);
    }

    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return of(d, n);
    }

    /**
     * Records an operation's result: {@code data} (contiguous, owned by the new tensor) of the
     * given shape, whose gradient flows to {@code inputs} through {@code backward}. Layers with a
     * fused kernel (convolution, batch norm) create their outputs with this.
     */
    public static Tensor fromOp(float[] data, int[] shape, String op, BackwardFn backward, Tensor... inputs) {
        Tensor out = of(data, shape);
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in != null && in.requiresGrad) {
                    out.requiresGrad = true;
                    out.inputs = inputs;
                    out.backwardFn = backward;
                    out.op = op;
                    break;
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- metadata and element access

    public int[] shape() {
        return shape.clone();
    }

    /** The shape array itself, for this package's helpers that must not pay for a copy; never modified. */
    int[] shapeRef() {
        return shape;
    }

    int[] stridesRef() {
        return strides;
    }

    public int dim() {
        return shape.length;
    }

    public int size(int dim) {
        return shape[Shape.dim(dim, shape)];
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    /** The backing array; with {@link #storageOffset()} and {@link #strides()} it locates every element. Writing to it bypasses autograd. */
    public float[] storage() {
        return data;
    }

    public int storageOffset() {
        return offset;
    }

    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** The elements in row-major order; the backing array itself when it already is exactly that. */
    public float[] data() {
        if (isContiguous() && offset == 0 && data.length == numel()) return data;
        return toArray();
    }

    /** A fresh copy of the elements in row-major order. */
    public float[] toArray() {
        int n = numel();
        float[] out = new float[n];
        if (isContiguous()) {
            System.arraycopy(data, offset, out, 0, n);
        } else {
            StridedCursor cur = new StridedCursor(shape, strides, offset);
            for (int i = 0; i < n; i++) out[i] = data[cur.next()];
        }
        return out;
    }

    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() needs a single-element tensor, got shape " + Shape.str(shape));
        return data[offset];
    }

    public float get(int... index) {
        return data[locate(index)];
    }

    /** Sets one element in place (no autograd); for building inputs and tests. */
    public void set(float value, int... index) {
        data[locate(index)] = value;
    }

    private int locate(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " dimensions, tensor shape " + Shape.str(shape) + " has " + shape.length);
        }
        int pos = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape " + Shape.str(shape));
            }
            pos += index[i] * strides[i];
        }
        return pos;
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor (a parameter or an input) as needing a gradient. */
    public Tensor requiresGrad(boolean value) {
        if (backwardFn != null && !value) throw new IllegalStateException("cannot turn off requiresGrad on a non-leaf tensor (" + op + "); use detach()");
        this.requiresGrad = value;
        return this;
    }

    public boolean isLeaf() {
        return backwardFn == null;
    }

    /** The accumulated gradient (same shape, contiguous), or null if none has been computed. */
    public Tensor grad() {
        return grad == null ? null : of(grad, shape);
    }

    /** The gradient's backing array (row-major), or null. Optimizers and the all-reduce work on it in place. */
    public float[] gradArray() {
        return grad;
    }

    /** Replaces the gradient (row-major, numel elements), e.g. after loading or all-reducing. */
    public void setGrad(float[] newGrad) {
        if (newGrad != null && newGrad.length != numel()) {
            throw new IllegalArgumentException("gradient has " + newGrad.length + " elements, tensor shape " + Shape.str(shape) + " needs " + numel());
        }
        this.grad = newGrad;
    }

    public void zeroGrad() {
        grad = null;
    }

    /** Adds {@code g} (row-major, this tensor's shape) into the gradient. */
    public void accumulateGrad(float[] g) {
        if (!requiresGrad) return;
        if (grad == null) {
            grad = GradientPool.copyOf(g);
        } else {
            for (int i = 0; i < grad.length; i++) grad[i] += g[i];
        }
    }

    /**
     * As {@link #accumulateGrad}, for a freshly computed array that the caller hands over and
     * never touches again: the first contribution is kept as the gradient without a copy (fused
     * layers produce multi-megabyte input gradients every step; copying them doubled the garbage).
     */
    public void accumulateGradOwned(float[] g) {
        if (!requiresGrad) return;
        if (g.length != numel()) {
            throw new IllegalArgumentException("gradient has " + g.length + " elements, tensor shape " + Shape.str(shape) + " needs " + numel());
        }
        if (grad == null) {
            grad = g;
        } else {
            for (int i = 0; i < grad.length; i++) grad[i] += g[i];
        }
    }

    /**
     * Called once per backward pass when this leaf's gradient is complete (every use of it has
     * contributed). The data-parallel replica starts a bucket's all-reduce from here.
     */
    public void addGradReadyHook(Consumer<Tensor> hook) {
        if (gradReadyHooks == null) gradReadyHooks = new ArrayList<>();
        gradReadyHooks.add(hook);
    }

    public void clearGradReadyHooks() {
        gradReadyHooks = null;
    }

    /** The same data without history. */
    public Tensor detach() {
        return new Tensor(data, offset, shape, strides);
    }

    /** Name of the recorded operation that produced this tensor, or null for a leaf. */
    public String op() {
        return op;
    }

    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() without a gradient needs a scalar, got shape " + Shape.str(shape)
                    + "; reduce it first (e.g. .mean()) or call backward(gradient)");
        }
        backward(ones(shape));
    }

    public void backward(Tensor gradient) {
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException("gradient shape " + Shape.str(gradient.shape) + " does not match tensor shape " + Shape.str(shape));
        }
        if (!requiresGrad) throw new IllegalStateException("tensor does not require grad: nothing to differentiate");
        AutogradGraph.backward(this, gradient.toArray());
    }

    // ---------------------------------------------------------------- views

    /** Same elements, new shape; one dimension may be -1. Shares storage when contiguous. */
    public Tensor reshape(int... newShape) {
        int[] target = inferShape(newShape);
        Tensor src = contiguous();
        Tensor out = new Tensor(src.data, src.offset, target, Shape.contiguousStrides(target));
        // g is this node's own gradient, dropped after this call: hand it on rather than copy it
        return record(out, "reshape", src::accumulateGradOwned, src);
    }

    public Tensor view(int... newShape) {
        return reshape(newShape);
    }

    private int[] inferShape(int[] newShape) {
        int n = numel(), known = 1, infer = -1;
        int[] target = newShape.clone();
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Shape.str(newShape) + ": only one dimension can be -1");
                infer = i;
            } else {
                known *= target[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || n % known != 0) throw new IllegalArgumentException("cannot reshape tensor of shape " + Shape.str(shape) + " to " + Shape.str(newShape));
            target[infer] = n / known;
        }
        if (Shape.numel(target) != n) {
            throw new IllegalArgumentException("cannot reshape tensor of shape " + Shape.str(shape) + " (" + n + " elements) to " + Shape.str(newShape));
        }
        return target;
    }

    /** Flattens dimensions start..end (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        int s = Shape.dim(startDim, shape), e = Shape.dim(endDim, shape);
        int[] out = new int[shape.length - (e - s)];
        int k = 0, merged = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < s || i > e) out[k++] = shape[i];
            else {
                merged *= shape[i];
                if (i == e) out[k++] = merged;
            }
        }
        return reshape(out);
    }

    public Tensor transpose(int dim0, int dim1) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int a = Shape.dim(dim0, shape), b = Shape.dim(dim1, shape);
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** Transpose of a 2-D tensor. */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalArgumentException("t() needs a 2-D tensor, got shape " + Shape.str(shape));
        return transpose(0, 1);
    }

    public Tensor permute(int... dims) {
        if (dims.length != shape.length) throw new IllegalArgumentException("permute " + Arrays.toString(dims) + " does not match tensor shape " + Shape.str(shape));
        int[] newShape = new int[dims.length], newStrides = new int[dims.length], inverse = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.dim(dims[i], shape);
            if (seen[d]) throw new IllegalArgumentException("permute " + Arrays.toString(dims) + " repeats dimension " + d);
            seen[d] = true;
            newShape[i] = shape[d];
            newStrides[i] = strides[d];
            inverse[d] = i;
        }
        Tensor out = new Tensor(data, offset, newShape, newStrides);
        Tensor self = this;
        return record(out, "permute", g -> self.accumulateGradOwned(of(g, newShape).permute(inverse).toArray()), this);
    }

    public Tensor unsqueeze(int dim) {
        int d = dim < 0 ? dim + shape.length + 1 : dim;
        int[] out = new int[shape.length + 1];
        for (int i = 0, k = 0; i < out.length; i++) out[i] = i == d ? 1 : shape[k++];
        return reshape(out);
    }

    public Tensor squeeze(int dim) {
        int d = Shape.dim(dim, shape);
        if (shape[d] != 1) return this;
        int[] out = new int[shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) if (i != d) out[k++] = shape[i];
        return reshape(out);
    }

    /** Elements {@code start .. start+length-1} along {@code dim}, as a view. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shape.dim(dim, shape);
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IllegalArgumentException("narrow(dim=" + dim + ", start=" + start + ", length=" + length
                    + ") is outside tensor shape " + Shape.str(shape));
        }
        int[] newShape = shape.clone();
        newShape[d] = length;
        Tensor out = new Tensor(data, offset + start * strides[d], newShape, strides);
        int[] inShape = shape;
        Tensor self = this;
        return record(out, "narrow", g -> {
            Tensor full = zeros(inShape);
            Tensor window = full.narrow(d, start, length);
            window.copyFrom(of(g, newShape));
            self.accumulateGrad(full.data);
        }, this);
    }

    /** Index {@code index} along {@code dim}; removes that dimension. */
    public Tensor select(int dim, int index) {
        return narrow(dim, index, 1).squeeze(dim);
    }

    /** Broadcasts size-1 dimensions (and new leading ones) to {@code newShape} without copying. */
    public Tensor expand(int... newShape) {
        Shape.broadcast(shape, newShape);
        if (newShape.length < shape.length) throw new IllegalArgumentException("cannot expand shape " + Shape.str(shape) + " to " + Shape.str(newShape));
        Tensor out = new Tensor(data, offset, newShape.clone(), StridedCursor.broadcastStrides(shape, strides, newShape));
        int[] inShape = shape;
        Tensor self = this;
        return record(out, "expand", g -> self.accumulateGrad(Broadcast.sumToShape(g, newShape, inShape)), this);
    }

    /** A contiguous tensor with the same elements (this one if already contiguous). */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        Tensor out = of(toArray(), shape);
        Tensor self = this;
        return record(out, "contiguous", self::accumulateGradOwned, this);
    }

    /** Multiplies every element in place (no autograd); for initialisation and optimizers. */
    public Tensor mulInPlace(float c) {
        if (isContiguous()) {
            for (int i = offset, end = offset + numel(); i < end; i++) data[i] *= c;
        } else {
            StridedCursor cur = new StridedCursor(shape, strides, offset);
            for (int i = 0, n = numel(); i < n; i++) data[cur.next()] *= c;
        }
        return this;
    }

    /** Copies {@code src} (same shape) into this tensor's elements in place; no autograd. */
    public void copyFrom(Tensor src) {
        if (!Arrays.equals(src.shape, shape)) throw new IllegalArgumentException("copy from shape " + Shape.str(src.shape) + " into shape " + Shape.str(shape));
        float[] values = src.toArray();
        if (values.length == 0) return; // an empty view may point past its (empty) storage
        if (isContiguous()) {
            System.arraycopy(values, 0, data, offset, values.length);
        } else {
            StridedCursor cur = new StridedCursor(shape, strides, offset);
            for (float v : values) data[cur.next()] = v;
        }
    }

    public Tensor copy() {
        return fromOp(toArray(), shape, "copy", this::accumulateGrad, this);
    }

    public static Tensor cat(List<Tensor> parts, int dim) {
        return ConcatOps.cat(parts, dim);
    }

    public static Tensor stack(List<Tensor> parts, int dim) {
        return ConcatOps.stack(parts, dim);
    }

    private static Tensor record(Tensor out, String op, BackwardFn fn, Tensor... inputs) {
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in.requiresGrad) {
                    out.requiresGrad = true;
                    out.inputs = inputs;
                    out.backwardFn = fn;
                    out.op = op;
                    break;
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- operations (maths in engine.functional)

    public Tensor add(Tensor other) {
        return ElementwiseOps.add(this, other);
    }

    public Tensor sub(Tensor other) {
        return ElementwiseOps.sub(this, other);
    }

    public Tensor mul(Tensor other) {
        return ElementwiseOps.mul(this, other);
    }

    public Tensor div(Tensor other) {
        return ElementwiseOps.div(this, other);
    }

    public Tensor add(float c) {
        return ElementwiseOps.add(this, c);
    }

    public Tensor mul(float c) {
        return ElementwiseOps.mul(this, c);
    }

    public Tensor neg() {
        return mul(-1f);
    }

    public Tensor exp() {
        return ElementwiseOps.exp(this);
    }

    public Tensor log() {
        return ElementwiseOps.log(this);
    }

    public Tensor sqrt() {
        return ElementwiseOps.sqrt(this);
    }

    public Tensor pow(float p) {
        return ElementwiseOps.pow(this, p);
    }

    public Tensor abs() {
        return ElementwiseOps.abs(this);
    }

    public Tensor tanh() {
        return ElementwiseOps.tanh(this);
    }

    public Tensor sigmoid() {
        return ElementwiseOps.sigmoid(this);
    }

    public Tensor relu() {
        return ActivationOps.relu(this);
    }

    public Tensor clamp(float min, float max) {
        return ElementwiseOps.clamp(this, min, max);
    }

    /** y = f(x) element-wise; the derivative is given as a function of (x, y). */
    public Tensor unary(String name, ElementwiseOps.FloatUnary f, ElementwiseOps.FloatDerivative dfdx) {
        return ElementwiseOps.unary(this, name, f, dfdx);
    }

    /** Elements where {@code mask} (broadcastable, nonzero = true) is set become {@code value}. */
    public Tensor maskedFill(Tensor mask, float value) {
        return ElementwiseOps.maskedFill(this, mask, value);
    }

    public Tensor sum() {
        return ReductionOps.sum(this);
    }

    public Tensor mean() {
        return ReductionOps.mean(this);
    }

    /** Sum over one dimension. */
    public Tensor sum(int dim, boolean keepDim) {
        return ReductionOps.sum(this, dim, keepDim);
    }

    public Tensor mean(int dim, boolean keepDim) {
        return ReductionOps.mean(this, dim, keepDim);
    }

    /** Maximum over one dimension; the gradient goes to the first maximal element. */
    public Tensor max(int dim, boolean keepDim) {
        return ReductionOps.max(this, dim, keepDim);
    }

    /** Index of the maximum along the last dimension, per row (no autograd). */
    public int[] argmaxLastDim() {
        return ReductionOps.argmaxLastDim(this);
    }

    /** softmax along {@code dim}: exp(x − max) / Σ exp(x − max). */
    public Tensor softmax(int dim) {
        return SoftmaxOps.softmax(this, dim);
    }

    /** log-softmax along {@code dim}: x − max − log Σ exp(x − max). */
    public Tensor logSoftmax(int dim) {
        return SoftmaxOps.logSoftmax(this, dim);
    }

    // ---------------------------------------------------------------- matrix multiply

    /**
     * Matrix product with PyTorch's matmul rules for rank ≥ 2: [..., m, k] × [..., k, n] → [..., m, n],
     * batch dimensions broadcast; see {@link MatMulOps#matmul}.
     */
    public Tensor matmul(Tensor other) {
        return MatMulOps.matmul(this, other);
    }

    // ---------------------------------------------------------------- misc

    @Override
    public String toString() {
        float[] v = toArray();
        String values = v.length <= 16 ? Arrays.toString(v) : Arrays.toString(Arrays.copyOf(v, 16)).replace("]", ", ...]");
        return "Tensor" + Shape.str(shape) + (op != null ? "(" + op + ")" : "") + " " + values;
    }
}
