package io.ringtrain.engine.functional;

import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

/**
 * 2-D convolution on the autograd graph (PyTorch's {@code F.conv2d}); {@link Conv2dKernels} is the
 * array-level forward/backward pair and documents the layouts. The scratch memory (the workspace)
 * is borrowed from {@link Conv2dKernels.Workspace#acquire()} for the forward call and again for the
 * backward call, unless the caller passes its own. Backward keeps the input, as PyTorch's saved
 * input, and builds the patch matrices from it again, so the input must not be changed in place
 * between forward and backward.
 */
public final class Conv2dOps {
    private Conv2dOps() {}

    /**
     * input [N, C, H, W] (checked by the caller against {@code geo}), weight [O, C/G, kh, kw], bias [O]
     * or null. {@code workspace} null borrows the shared scratch for each call (what layers do: one
     * workspace serves them all); a non-null one is used for forward and backward alike and must
     * not be used by another call at the same time. With {@code outputs} non-null a recorded forward
     * borrows its output array from it and its backward gives it back ({@link SpareArray}'s rule);
     * null allocates.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dKernels.Geometry geo,
                                Conv2dKernels.Workspace workspace, SpareArray<float[]> outputs) {
        float[] x = input.contiguous().data();
        float[] w = weight.data();
        float[] b = bias == null ? null : bias.data();
        boolean recording = GradMode.isEnabled() && (input.requiresGrad() || weight.requiresGrad() || (bias != null && bias.requiresGrad()));
        boolean lendOutput = outputs != null && recording;
        float[] y = lendOutput ? outputs.take(geo.outputSize()) : new float[geo.outputSize()]; // forward writes every element
        Conv2dKernels.Workspace forwardWs = workspace != null ? workspace : Conv2dKernels.Workspace.acquire();
        try {
            Conv2dKernels.forward(geo, x, w, b, y, forwardWs);
        } finally {
            if (workspace == null) Conv2dKernels.Workspace.release(forwardWs);
        }
        int[] outShape = {geo.batch(), geo.outChannels(), geo.outH(), geo.outW()};
        if (!recording) {
            return Tensor.of(y, outShape);
        }
        int outChannels = geo.outChannels();
        return Tensor.fromOp(y, outShape, "conv2d", dy -> {
            float[] dx = input.requiresGrad() ? GradientPool.take(x.length) : null; // backward writes every element
            float[] dw = weight.requiresGrad() ? new float[w.length] : null;
            float[] db = bias != null && bias.requiresGrad() ? new float[outChannels] : null;
            Conv2dKernels.Workspace backwardWs = workspace != null ? workspace : Conv2dKernels.Workspace.acquire();
            try {
                Conv2dKernels.backward(geo, dy, w, x, dx, dw, db, backwardWs);
            } finally {
                if (workspace == null) Conv2dKernels.Workspace.release(backwardWs);
            }
            if (lendOutput) outputs.giveBack(y);
            if (dx != null) input.accumulateGradOwned(dx);
            if (dw != null) weight.accumulateGradOwned(dw);
            if (db != null) bias.accumulateGradOwned(db);
        }, input, weight, bias);
    }
}
