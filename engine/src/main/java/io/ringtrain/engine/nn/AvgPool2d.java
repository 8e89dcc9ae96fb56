package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.PoolKernels;
import io.ringtrain.engine.functional.PoolOps;

/**
 * Mean over kh×kw windows (PyTorch's {@code nn.AvgPool2d}, ceil_mode = false, no divisor
 * override): input [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2·ph − kh)/sh⌋ + 1. The divisor is
 * the window size clipped to the padded input when {@code countIncludePad} (PyTorch's default),
 * or the number of real input elements in the window otherwise.
 */
public class AvgPool2d extends Module {
    private final int kh, kw, sh, sw, ph, pw;
    private final boolean countIncludePad;

    /** Square window, stride = kernel, no padding. */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0, true);
    }

    public AvgPool2d(int kernelSize, int stride, int padding, boolean countIncludePad) {
        this(new int[] {kernelSize, kernelSize}, new int[] {stride, stride}, new int[] {padding, padding}, countIncludePad);
    }

    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean countIncludePad) {
        this.kh = kernelSize[0];
        this.kw = kernelSize[1];
        this.sh = stride[0];
        this.sw = stride[1];
        this.ph = padding[0];
        this.pw = padding[1];
        this.countIncludePad = countIncludePad;
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
            throw new IllegalArgumentException("AvgPool2d(" + extraRepr() + "): kernel and stride must be ≥ 1 and padding at most half the kernel");
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = Pooling.checkInput(input, this);
        int h = s[2], w = s[3];
        int oh = PoolKernels.outSize(h, kh, sh, ph, 1), ow = PoolKernels.outSize(w, kw, sw, pw, 1);
        Pooling.checkOutput(s, oh, ow, this);
        return PoolOps.avgPool2d(input, kh, kw, sh, sw, ph, pw, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=(" + kh + ", " + kw + "), stride=(" + sh + ", " + sw + "), padding=(" + ph + ", " + pw + "), count_include_pad=" + countIncludePad;
    }
}
