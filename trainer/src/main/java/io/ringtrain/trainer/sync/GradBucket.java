package io.ringtrain.trainer.sync;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.Compression;
import io.ringtrain.allreduce.DirectFloats;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A group of parameters whose gradients travel in one all-reduce: they are copied into one flat
 * buffer when all are ready, reduced, then copied back. The flat buffer is native memory
 * ({@link DirectFloats}), which the ring sends without copying it again; under bfloat16
 * compression, which rounds in place before sending, it is a float array.
 *
 * <p>The last bucket may carry {@code extraSlots} floats after the gradients, laid out by {@link
 * RankSlots}: each rank writes its own and leaves the others zero, so the sum gives every rank
 * every rank's values without a collective of their own.
 */
final class GradBucket {
    final int index;
    final List<Tensor> params;
    /** Start of each parameter's gradient inside the flat buffer. */
    final int[] offsets;
    private final int total;
    private final int extraSlots;
    private final Compression compression;
    private final DirectFloats direct; // without compression
    private final float[] array; // with compression
    int pendingGrads;
    CompletableFuture<Void> inFlight;
    long launchedAtNanos;

    GradBucket(int index, List<Tensor> params, Compression compression) {
        this(index, params, compression, 0);
    }

    GradBucket(int index, List<Tensor> params, Compression compression, int extraSlots) {
        this.index = index;
        this.extraSlots = extraSlots;
        this.params = params;
        this.offsets = new int[params.size()];
        int total = 0;
        for (int i = 0; i < params.size(); i++) {
            offsets[i] = total;
            total += params.get(i).numel();
        }
        this.total = total;
        this.compression = compression;
        this.direct = compression == Compression.NONE ? DirectFloats.allocate(total + extraSlots) : null;
        this.array = compression == Compression.NONE ? null : new float[total + extraSlots];
    }

    void reset() {
        pendingGrads = params.size();
        inFlight = null;
    }

    /** Copies the parameters' gradients in (a missing gradient counts as zeros). */
    void pack() {
        FloatBuffer flat = direct == null ? null : direct.floats();
        for (int i = 0; i < params.size(); i++) {
            float[] g = params.get(i).gradArray();
            int n = params.get(i).numel();
            if (g == null) g = new float[n];
            if (flat != null) flat.put(offsets[i], g, 0, n);
            else System.arraycopy(g, 0, array, offsets[i], n);
        }
    }

    int extraSlotCount() {
        return extraSlots;
    }

    /** Writes the extra floats after the gradients (after {@link #pack}; zeros except this rank's). */
    void setExtraSlots(float[] slots) {
        if (direct != null) direct.floats().put(total, slots, 0, extraSlots);
        else System.arraycopy(slots, 0, array, total, extraSlots);
    }

    /** The extra floats, summed over every rank once the all-reduce is done. */
    float[] extraSlots() {
        float[] slots = new float[extraSlots];
        if (direct != null) direct.floats().get(total, slots, 0, extraSlots);
        else System.arraycopy(array, total, slots, 0, extraSlots);
        return slots;
    }

    /** Starts the sum over every replica. */
    CompletableFuture<Void> allReduce(Communicator comm) {
        return direct != null ? comm.allReduceAsync(direct, ReduceOp.SUM) : comm.allReduceAsync(array, ReduceOp.SUM, compression);
    }

    /** Copies the reduced values back into each parameter's gradient. */
    void unpack() {
        FloatBuffer flat = direct == null ? null : direct.floats();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] g = p.gradArray();
            if (g == null) {
                g = new float[p.numel()];
                p.setGrad(g);
            }
            if (flat != null) flat.get(offsets[i], g, 0, g.length);
            else System.arraycopy(array, offsets[i], g, 0, g.length);
        }
    }

    long bytes() {
        return 4L * total;
    }
}
