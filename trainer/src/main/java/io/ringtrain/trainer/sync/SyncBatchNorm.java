package io.ringtrain.trainer.sync;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.engine.nn.BatchNorm;
import io.ringtrain.engine.nn.Module;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Batch normalisation whose statistics span every replica's batch, as PyTorch's SyncBatchNorm.
 * {@link #convert} attaches it to every {@link BatchNorm} layer of a model (the layers, their
 * parameters, buffers and state-dict names stay as they are).
 *
 * <p>Forward (training): each rank computes per channel its count n_r, mean μ_r and biased variance
 * σ²_r; the ranks all-gather them as float64 and every rank merges them by count in rank order
 * (bitwise the same everywhere): N = Σ n_r, μ = Σ n_r μ_r / N, σ² = Σ n_r (σ²_r + (μ_r − μ)²) / N.
 * BatchNorm then normalises with (μ, σ²) and updates running_var with the global unbiased
 * variance σ²·N/(N − 1).
 *
 * <p>Backward: the ranks all-reduce Σdy and Σdy·(x − μ) per channel (float64), so
 * dx = γ/σ·(dy − Σdy/N − (x − μ)·Σdy·(x − μ)/(N σ²)) uses global sums; dγ and dβ stay local (the
 * replica's gradient all-reduce adds them). This needs the loss in global units, as
 * {@link DistributedReplica} arranges. A rank with an empty batch contributes count 0 and still
 * takes part in both collectives. Evaluation with running statistics communicates nothing.
 *
 * <p>Both collectives block the computing thread. On the communicator that also carries the
 * gradient buckets they queue behind every bucket already in flight (collectives run in issue
 * order), so backward stalls until those finish; give SyncBatchNorm a ring of its own (a second
 * {@code RingCommunicator} over the same ranks), as the Spark job does. {@code deploy/bin/bench
 * dp-step} measures both set-ups.
 */
public final class SyncBatchNorm implements BatchNorm.CrossReplica {
    private final Communicator comm;

    public SyncBatchNorm(Communicator comm) {
        this.comm = comm;
    }

    /** The ring this layer's statistics travel on. */
    public Communicator communicator() {
        return comm;
    }

    /** Makes every BatchNorm layer of {@code model} synchronise over {@code comm}; returns how many. */
    public static int convert(Module model, Communicator comm) {
        int converted = 0;
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm bn) {
                bn.setCrossReplica(new SyncBatchNorm(comm));
                converted++;
            }
        }
        return converted;
    }

    @Override
    public BatchNorm.BatchStatistics merge(BatchNorm.BatchStatistics local) {
        int channels = local.mean().length;
        ByteBuffer mine = ByteBuffer.allocate(8 * (1 + 2 * channels)).putDouble(local.count());
        for (float m : local.mean()) mine.putDouble(m);
        for (float v : local.var()) mine.putDouble(v);
        List<byte[]> all = comm.allGather(mine.array());
        long total = 0;
        double[] sum = new double[channels];
        double[][] means = new double[all.size()][channels], vars = new double[all.size()][channels];
        long[] counts = new long[all.size()];
        for (int r = 0; r < all.size(); r++) {
            ByteBuffer in = ByteBuffer.wrap(all.get(r));
            counts[r] = (long) in.getDouble();
            for (int c = 0; c < channels; c++) means[r][c] = in.getDouble();
            for (int c = 0; c < channels; c++) vars[r][c] = in.getDouble();
            total += counts[r];
            if (counts[r] > 0) for (int c = 0; c < channels; c++) sum[c] += counts[r] * means[r][c];
        }
        float[] mean = new float[channels], var = new float[channels];
        if (total == 0) return new BatchNorm.BatchStatistics(0, mean, var);
        for (int c = 0; c < channels; c++) {
            double mu = sum[c] / total, m2 = 0;
            for (int r = 0; r < counts.length; r++) {
                if (counts[r] == 0) continue; // an empty rank's statistics are undefined (NaN)
                double d = means[r][c] - mu;
                m2 += counts[r] * (vars[r][c] + d * d);
            }
            mean[c] = (float) mu;
            var[c] = (float) (m2 / total);
        }
        return new BatchNorm.BatchStatistics(total, mean, var);
    }

    @Override
    public void reduceBackwardSums(float[] sumDy, float[] sumDyXmu) {
        int channels = sumDy.length;
        double[] sums = new double[2 * channels];
        for (int c = 0; c < channels; c++) {
            sums[c] = sumDy[c];
            sums[channels + c] = sumDyXmu[c];
        }
        comm.allReduce(sums, ReduceOp.SUM);
        for (int c = 0; c < channels; c++) {
            sumDy[c] = (float) sums[c];
            sumDyXmu[c] = (float) sums[channels + c];
        }
    }
}
