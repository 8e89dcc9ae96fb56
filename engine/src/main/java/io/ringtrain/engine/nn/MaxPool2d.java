package io.ringtrain.engine.nn;

import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.PoolKernels;
import io.ringtrain.engine.functional.PoolOps;

/**
 * Max over kh×kw windows (PyTorch's {@code nn.MaxPool2d}, ceil_mode = false): input [N, C, H, W]
 * → [N, C, OH, OW], OH = ⌊(H + 2·ph − dh·(kh−1) − 1)/sh⌋ + 1. Padding counts as −∞. The
 * gradient goes to the first maximal element of each window.
 */
public class MaxPool2d extends Module {
    private final int kh, kw, sh, sw, ph, pw, dh, dw;
    private final SpareArray<float[]> output = SpareArray.floats();
    private final SpareArray<int[]> argmaxes = SpareArray.ints();
    private boolean recycleOutput;

    /** Square window, stride = kernel, no padding. */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize, kernelSize}, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1});
    }

    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation) {
        this.kh = kernelSize[0];
        this.kw = kernelSize[1];
        this.sh = stride[0];
        this.sw = stride[1];
        this.ph = padding[0];
        this.pw = padding[1];
        this.dh = dilation[0];
        this.dw = dilation[1];
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
            throw new IllegalArgumentException("MaxPool2d(" + extraRepr() + "): kernel, stride, dilation must be ≥ 1 and padding at most half the kernel");
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = Pooling.checkInput(input, this);
        int h = s[2], w = s[3];
        int oh = PoolKernels.outSize(h, kh, sh, ph, dh), ow = PoolKernels.outSize(w, kw, sw, pw, dw);
        Pooling.checkOutput(s, oh, ow, this);
        return PoolOps.maxPool2d(input, kh, kw, sh, sw, ph, pw, dh, dw, recycleOutput ? output : null, recycleOutput ? argmaxes : null);
    }

    /**
     * Reuse the output and argmax arrays from step to step: a recorded forward's are lent from
     * spares that this layer's backward takes back ({@link SpareArray}). Only for a layer whose owner
     * reads its output in the same step and never keeps it (a model's inner layers): a kept output
     * would change under the caller at the next forward. Unrecorded forwards allocate as usual.
     */
    public MaxPool2d recycleOutput() {
        this.recycleOutput = true;
        return this;
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=(" + kh + ", " + kw + "), stride=(" + sh + ", " + sw + "), padding=(" + ph + ", " + pw + "), dilation=(" + dh + ", " + dw + ")";
    }
}
