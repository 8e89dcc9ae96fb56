package io.ringtrain.engine.functional;

import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

/**
 * 2-D max, average and adaptive-average pooling of an [N, C, H, W] input on the autograd graph;
 * the array-level forward/backward pairs are {@link PoolKernels}. Callers have checked the input
 * rank and that the output is not empty.
 */
public final class PoolOps {
    private PoolOps() {}

    /**
     * Max pooling; the gradient goes to each window's winner. With spares (both non-null) a
     * recorded forward borrows its output and argmax arrays from them and its backward gives them
     * back ({@link SpareArray}'s rule); null spares allocate.
     */
    public static Tensor maxPool2d(Tensor input, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                                   SpareArray<float[]> outputs, SpareArray<int[]> argmaxes) {
        int[] s = input.shape();
        int planes = s[0] * s[1], h = s[2], w = s[3];
        int oh = PoolKernels.outSize(h, kh, sh, ph, dh), ow = PoolKernels.outSize(w, kw, sw, pw, dw);
        float[] x = input.contiguous().data();
        boolean lendOutput = outputs != null && argmaxes != null && GradMode.isEnabled() && input.requiresGrad();
        int size = planes * oh * ow;
        // maxForward writes every element of both
        float[] y = lendOutput ? outputs.take(size) : new float[size];
        int[] argmax = lendOutput ? argmaxes.take(size) : new int[size];
        PoolKernels.maxForward(x, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, y, argmax);
        int[] outShape = {s[0], s[1], oh, ow};
        if (!GradMode.isEnabled()) return Tensor.of(y, outShape);
        return Tensor.fromOp(y, outShape, "max_pool2d", dy -> {
            float[] dx = GradientPool.takeZeroed(x.length); // maxBackward adds into it
            PoolKernels.maxBackward(dy, argmax, planes, h, w, oh, ow, dx);
            if (lendOutput) {
                outputs.giveBack(y);
                argmaxes.giveBack(argmax);
            }
            input.accumulateGradOwned(dx);
        }, input);
    }

    public static Tensor avgPool2d(Tensor input, int kh, int kw, int sh, int sw, int ph, int pw, boolean countIncludePad) {
        int[] s = input.shape();
        int planes = s[0] * s[1], h = s[2], w = s[3];
        int oh = PoolKernels.outSize(h, kh, sh, ph, 1), ow = PoolKernels.outSize(w, kw, sw, pw, 1);
        float[] x = input.contiguous().data();
        float[] y = new float[planes * oh * ow];
        PoolKernels.avgForward(x, planes, h, w, kh, kw, sh, sw, ph, pw, countIncludePad, y);
        int[] outShape = {s[0], s[1], oh, ow};
        if (!GradMode.isEnabled()) return Tensor.of(y, outShape);
        return Tensor.fromOp(y, outShape, "avg_pool2d", dy -> {
            float[] dx = new float[x.length];
            PoolKernels.avgBackward(dy, planes, h, w, kh, kw, sh, sw, ph, pw, countIncludePad, dx);
            input.accumulateGradOwned(dx);
        }, input);
    }

    public static Tensor adaptiveAvgPool2d(Tensor input, int outH, int outW) {
        int[] s = input.shape();
        int planes = s[0] * s[1], h = s[2], w = s[3];
        float[] x = input.contiguous().data();
        float[] y = new float[planes * outH * outW];
        PoolKernels.adaptiveAvgForward(x, planes, h, w, outH, outW, y);
        int[] outShape = {s[0], s[1], outH, outW};
        if (!GradMode.isEnabled()) return Tensor.of(y, outShape);
        return Tensor.fromOp(y, outShape, "adaptive_avg_pool2d", dy -> {
            float[] dx = new float[x.length];
            PoolKernels.adaptiveAvgBackward(dy, planes, h, w, outH, outW, dx);
            input.accumulateGradOwned(dx);
        }, input);
    }
}
