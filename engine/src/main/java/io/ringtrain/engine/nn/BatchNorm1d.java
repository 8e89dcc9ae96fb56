package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;

/** {@link BatchNorm} over a 2-D [N, C] or 3-D [N, C, L] input: statistics per channel over N (·L) elements. */
public class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int numFeatures) {
        super(numFeatures);
    }

    public BatchNorm1d(int numFeatures, float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInput(int[] shape) {
        if (shape.length != 2 && shape.length != 3) {
            throw new IllegalArgumentException("BatchNorm1d expects a 2-D [N, C] or 3-D [N, C, L] input, got shape " + Shape.str(shape));
        }
    }
}
