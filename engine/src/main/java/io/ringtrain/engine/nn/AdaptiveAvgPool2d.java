package io.ringtrain.engine.nn;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.PoolOps;

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
        Pooling.checkInput(input, this);
        return PoolOps.adaptiveAvgPool2d(input, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=(" + outH + ", " + outW + ")";
    }
}
