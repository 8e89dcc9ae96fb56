package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;

/** {@link BatchNorm} over a 4-D input [N, C, H, W]: statistics per channel over N·H·W elements. */
public class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int numFeatures) {
        super(numFeatures);
    }

    public BatchNorm2d(int numFeatures, float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInput(int[] shape) {
        if (shape.length != 4) throw new IllegalArgumentException("BatchNorm2d expects a 4-D input [N, C, H, W], got shape " + Shape.str(shape));
    }
}
