package io.ringtrain.engine.functional;

import io.ringtrain.engine.GradientPool;
import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

/**
 * 2-D convolution on the autograd graph (PyTorch's {@code F.conv2d}); {@link Conv2dKernels} is the
 * array-level forward/backward pair and documents the layouts. The scratch memory (the workspace)
 * is borrowed from {@link Conv2dKernels.Workspace#acquire()} for the forward call and again for the
 * backward call (one workspace serves every layer). Backward keeps the input, as PyTorch's saved
 * input, and builds the patch matrices from it again, so the input must not be changed in place
 * between forward and backward.
 */
public final class Conv2dOps {
    private Conv2dOps() {}

    /**
     * input [N, C, H, W] (checked by the caller against {@code geo}), weight [O, C/G, kh, kw], bias [O]
     * or null. With {@code outputs} non-null a recorded forward
     * borrows its output array from it and its backward gives it back ({@link SpareArray}'s rule);
     * null allocates.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dKernels.Geometry geo,
                                SpareArray<float[]> outputs) {
        float[] x = input.contiguous().data();
        float[] w = weight.data();
        float[] b = bias == null ? null : bias.data();
        boolean recording = GradMode.isEnabled() && (input.requiresGrad() || weight.requiresGrad() || (bias != null && bias.requiresGrad()));
        boolean lendOutput = outputs != null && recording;
        float[] y = lendOutput ? outputs.take(geo.outputSize()) : new float[geo.outputSize()]; // forward writes every element
        withWorkspace(ws -> Conv2dKernels.forward(geo, x, w, b, y, ws));
        int[] outShape = {geo.batch(), geo.outChannels(), geo.outH(), geo.outW()};
        if (!recording) {
            return Tensor.of(y, outShape);
        }
        int outChannels = geo.outChannels();
        return Tensor.fromOp(y, outShape, "conv2d", dy -> {
            float[] dx = input.requiresGrad() ? GradientPool.take(x.length) : null; // backward writes every element
            float[] dw = weight.requiresGrad() ? new float[w.length] : null;
            float[] db = bias != null && bias.requiresGrad() ? new float[outChannels] : null;
            withWorkspace(ws -> Conv2dKernels.backward(geo, dy, w, x, dx, dw, db, ws));
            if (lendOutput) outputs.giveBack(y);
            if (dx != null) input.accumulateGradOwned(dx);
            if (dw != null) weight.accumulateGradOwned(dw);
            if (db != null) bias.accumulateGradOwned(db);
        }, input, weight, bias);
    }

    /** Runs one kernel call in a borrowed workspace and gives it back, also when the call throws. */
    private static void withWorkspace(java.util.function.Consumer<Conv2dKernels.Workspace> call) {
        Conv2dKernels.Workspace ws = Conv2dKernels.Workspace.acquire();
        try {
            call.accept(ws);
        } finally {
            Conv2dKernels.Workspace.release(ws);
        }
    }
}
