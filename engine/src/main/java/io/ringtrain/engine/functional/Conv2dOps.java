package io.ringtrain.engine.functional;

import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

/**
 * 2-D convolution on the autograd graph (PyTorch's {@code F.conv2d}); {@link Conv2dKernels} is the
 * array-level forward/backward pair and documents the layouts. The caller owns the scratch memory
 * (the workspace). Backward keeps the input, as PyTorch's saved input, and builds the patch matrices
 * from it again, so the input must not be changed in place between forward and backward.
 */
public final class Conv2dOps {
    private Conv2dOps() {}

    /**
     * input [N, C, H, W] (checked by the caller against {@code geo}), weight [O, C/G, kh, kw], bias [O]
     * or null. With {@code outputs} non-null a recorded forward borrows its output array from it and
     * its backward gives it back ({@link SpareArray}'s rule); null allocates.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dKernels.Geometry geo,
                                Conv2dKernels.Workspace workspace, SpareArray<float[]> outputs) {
        float[] x = input.contiguous().data();
        float[] w = weight.data();
        float[] b = bias == null ? null : bias.data();
        boolean recording = GradMode.isEnabled() && (input.requiresGrad() || weight.requiresGrad() || (bias != null && bias.requiresGrad()));
        boolean lendOutput = outputs != null && recording;
        float[] y = lendOutput ? outputs.take(geo.outputSize()) : new float[geo.outputSize()]; // forward writes every element
        Conv2dKernels.forward(geo, x, w, b, y, workspace);
        int[] outShape = {geo.batch(), geo.outChannels(), geo.outH(), geo.outW()};
        if (!recording) {
            return Tensor.of(y, outShape);
        }
        int outChannels = geo.outChannels();
        return Tensor.fromOp(y, outShape, "conv2d", dy -> {
            float[] dx = input.requiresGrad() ? GradientPool.take(x.length) : null; // backward writes every element
            float[] dw = weight.requiresGrad() ? new float[w.length] : null;
            float[] db = bias != null && bias.requiresGrad() ? new float[outChannels] : null;
            Conv2dKernels.backward(geo, dy, w, x, dx, dw, db, workspace);
            if (lendOutput) outputs.giveBack(y);
            if (dx != null) input.accumulateGradOwned(dx);
            if (dw != null) weight.accumulateGradOwned(dw);
            if (db != null) bias.accumulateGradOwned(db);
        }, input, weight, bias);
    }
}
