package io.ringtrain.trainer.sync;

import io.ringtrain.engine.Tensor;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A group of parameters whose gradients travel in one all-reduce: they are copied into
 * {@code flatGrads} when all are ready, reduced, then copied back.
 */
final class GradBucket {
    final int index;
    final List<Tensor> params;
    /** Start of each parameter's gradient inside {@link #flatGrads}. */
    final int[] offsets;
    final float[] flatGrads;
    int pendingGrads;
    CompletableFuture<Void> inFlight;
    long launchedAtNanos;

    GradBucket(int index, List<Tensor> params) {
        this.index = index;
        this.params = params;
        this.offsets = new int[params.size()];
        int total = 0;
        for (int i = 0; i < params.size(); i++) {
            offsets[i] = total;
            total += params.get(i).numel();
        }
        this.flatGrads = new float[total];
    }

    void reset() {
        pendingGrads = params.size();
        inFlight = null;
    }

    /** Copies the parameters' gradients in (a missing gradient counts as zeros). */
    void pack() {
        for (int i = 0; i < params.size(); i++) {
            float[] g = params.get(i).gradArray();
            int n = params.get(i).numel();
            if (g == null) java.util.Arrays.fill(flatGrads, offsets[i], offsets[i] + n, 0f);
            else System.arraycopy(g, 0, flatGrads, offsets[i], n);
        }
    }

    /** Copies the reduced values back into each parameter's gradient. */
    void unpack() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] g = p.gradArray();
            if (g == null) {
                g = new float[p.numel()];
                p.setGrad(g);
            }
            System.arraycopy(flatGrads, offsets[i], g, 0, g.length);
        }
    }

    long bytes() {
        return 4L * flatGrads.length;
    }
}
