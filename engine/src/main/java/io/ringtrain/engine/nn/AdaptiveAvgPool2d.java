package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.functional.PoolKernels;

/**
 * Mean pooling to a fixed output size (PyTorch's {@code nn.AdaptiveAvgPool2d}): input
 * [N, C, H, W] → [N, C, OH, OW], output row i averaging input rows ⌊i·H/OH⌋ .. ⌈(i+1)·H/OH⌉ − 1
 * (likewise columns). Windows may overlap when H is not a multiple of OH.
 */
public class AdaptiveAvgPool2d extends Module {
    private final int outH, outW;

    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("AdaptiveAvgPool2d output size " + outH + "×" + outW + " must be ≥ 1");
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = Pooling.checkInput(input, this);
        int planes = s[0] * s[1], h = s[2], w = s[3];
        float[] x = input.contiguous().data();
        float[] y = new float[planes * outH * outW];
        PoolKernels.adaptiveAvgForward(x, planes, h, w, outH, outW, y);
        int[] outShape = {s[0], s[1], outH, outW};
        if (!GradMode.isEnabled()) return Tensor.of(y, outShape);
        Tensor in = input;
        return Tensor.fromOp(y, outShape, "adaptive_avg_pool2d", dy -> {
            float[] dx = new float[x.length];
            PoolKernels.adaptiveAvgBackward(dy, planes, h, w, outH, outW, dx);
            in.accumulateGradOwned(dx);
        }, input);
    }

    @Override
    protected String extraRepr() {
        return "output_size=(" + outH + ", " + outW + ")";
    }
}
