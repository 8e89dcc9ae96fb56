package io.ringtrain.trainer.sync;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Batch normalisation whose statistics span every replica's batch, as PyTorch's SyncBatchNorm.
 * Input [N, C] or [N, C, *]; the same parameters and buffers as BatchNorm ({@code weight},
 * {@code bias}, {@code running_mean}, {@code running_var}, {@code num_batches_tracked}).
 *
 * <p>Forward (training): each rank computes per channel its count n_r, mean μ_r and biased variance
 * σ²_r in float64; the ranks all-gather them and every rank merges them by count in rank order
 * (bitwise the same everywhere): N = Σ n_r, μ = Σ n_r μ_r / N, σ² = Σ n_r (σ²_r + (μ_r − μ)²) / N.
 * y = (x − μ)/√(σ² + eps)·γ + β. running_var takes the global unbiased variance σ²·N/(N − 1).
 *
 * <p>Backward: the ranks all-reduce Σdy and Σdy·(x − μ) per channel; with x̂ = (x − μ)/σ,
 * dx = γ/σ·(dy − Σdy/N − x̂·Σdy·x̂/N). dγ and dβ are the local sums (the replica's gradient
 * all-reduce adds them up). This requires the loss in global units (see {@link DistributedReplica}).
 * A rank with an empty batch still takes part in both collectives. Evaluation communicates nothing.
 */
public class SyncBatchNorm extends Module {
    private final int numFeatures;
    private final double eps;
    private final double momentum;
    private final boolean trackRunningStats;
    private final Communicator comm;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    public SyncBatchNorm(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats, Communicator comm) {
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.trackRunningStats = trackRunningStats;
        this.comm = comm;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        this.runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.zeros(numFeatures)) : null;
        this.runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.ones(numFeatures)) : null;
        this.numBatchesTracked = trackRunningStats ? registerBuffer("num_batches_tracked", Tensor.zeros()) : null;
    }

    public SyncBatchNorm(int numFeatures, Communicator comm) {
        this(numFeatures, 1e-5, 0.1, true, true, comm);
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] shape = input.shape();
        if (shape.length < 2 || shape[1] != numFeatures) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(shape) + " does not match SyncBatchNorm(num_features="
                    + numFeatures + "): expected [N, " + numFeatures + ", ...]");
        }
        int batch = shape[0];
        int spatial = 1;
        for (int i = 2; i < shape.length; i++) spatial *= shape[i];
        int perChannel = spatial;
        float[] x = input.data();
        boolean useBatchStats = isTraining() || !trackRunningStats;
        double[] mean = new double[numFeatures], var = new double[numFeatures];
        long globalCount = 0;
        if (useBatchStats) {
            globalCount = globalStatistics(x, batch, spatial, mean, var);
            if (isTraining() && trackRunningStats) updateRunningStats(mean, var, globalCount);
        } else {
            float[] rm = runningMean.data(), rv = runningVar.data();
            for (int c = 0; c < numFeatures; c++) {
                mean[c] = rm[c];
                var[c] = rv[c];
            }
        }
        float[] invStd = new float[numFeatures];
        for (int c = 0; c < numFeatures; c++) invStd[c] = (float) (1.0 / Math.sqrt(var[c] + eps));
        float[] gamma = weight == null ? null : weight.data(), beta = bias == null ? null : bias.data();
        float[] xHat = new float[x.length], y = new float[x.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < numFeatures; c++) {
                int base = (n * numFeatures + c) * spatial;
                float mu = (float) mean[c], is = invStd[c];
                float g = gamma == null ? 1f : gamma[c], b = beta == null ? 0f : beta[c];
                for (int i = base; i < base + spatial; i++) {
                    float h = (x[i] - mu) * is;
                    xHat[i] = h;
                    y[i] = h * g + b;
                }
            }
        }
        long count = globalCount;
        boolean batchStats = useBatchStats;
        return Tensor.fromOp(y, shape, "sync_batch_norm",
                dy -> backward(dy, xHat, invStd, batch, perChannel, count, batchStats, input), input, weight, bias);
    }

    private long globalStatistics(float[] x, int batch, int spatial, double[] mean, double[] var) {
        long localCount = (long) batch * spatial;
        double[] localMean = new double[numFeatures], localVar = new double[numFeatures];
        for (int c = 0; c < numFeatures; c++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * numFeatures + c) * spatial;
                for (int i = base; i < base + spatial; i++) sum += x[i];
            }
            double mu = localCount == 0 ? 0 : sum / localCount;
            double m2 = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * numFeatures + c) * spatial;
                for (int i = base; i < base + spatial; i++) m2 += (x[i] - mu) * (x[i] - mu);
            }
            localMean[c] = mu;
            localVar[c] = localCount == 0 ? 0 : m2 / localCount;
        }
        ByteBuffer mine = ByteBuffer.allocate(8 * (1 + 2 * numFeatures)).putDouble(localCount);
        for (double m : localMean) mine.putDouble(m);
        for (double v : localVar) mine.putDouble(v);
        List<byte[]> all = comm.allGather(mine.array());
        long total = 0;
        double[][] means = new double[all.size()][numFeatures], vars = new double[all.size()][numFeatures];
        long[] counts = new long[all.size()];
        for (int r = 0; r < all.size(); r++) {
            ByteBuffer in = ByteBuffer.wrap(all.get(r));
            counts[r] = (long) in.getDouble();
            for (int c = 0; c < numFeatures; c++) means[r][c] = in.getDouble();
            for (int c = 0; c < numFeatures; c++) vars[r][c] = in.getDouble();
            total += counts[r];
        }
        if (total == 0) throw new IllegalStateException("SyncBatchNorm: every rank has an empty batch");
        for (int c = 0; c < numFeatures; c++) {
            double mu = 0;
            for (int r = 0; r < counts.length; r++) mu += counts[r] * means[r][c];
            mu /= total;
            double m2 = 0;
            for (int r = 0; r < counts.length; r++) {
                double d = means[r][c] - mu;
                m2 += counts[r] * (vars[r][c] + d * d);
            }
            mean[c] = mu;
            var[c] = m2 / total;
        }
        return total;
    }

    private void updateRunningStats(double[] mean, double[] var, long count) {
        float[] rm = runningMean.storage(), rv = runningVar.storage();
        int om = runningMean.storageOffset(), ov = runningVar.storageOffset();
        double unbiasFactor = count > 1 ? count / (double) (count - 1) : 1.0;
        for (int c = 0; c < numFeatures; c++) {
            rm[om + c] = (float) ((1 - momentum) * rm[om + c] + momentum * mean[c]);
            rv[ov + c] = (float) ((1 - momentum) * rv[ov + c] + momentum * var[c] * unbiasFactor);
        }
        numBatchesTracked.storage()[numBatchesTracked.storageOffset()] += 1f;
    }

    private void backward(float[] dy, float[] xHat, float[] invStd, int batch, int spatial, long globalCount,
                          boolean batchStats, Tensor input) {
        float[] gamma = weight == null ? null : weight.data();
        double[] sumDy = new double[numFeatures], sumDyXhat = new double[numFeatures];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < numFeatures; c++) {
                int base = (n * numFeatures + c) * spatial;
                double s = 0, sx = 0;
                for (int i = base; i < base + spatial; i++) {
                    s += dy[i];
                    sx += dy[i] * xHat[i];
                }
                sumDy[c] += s;
                sumDyXhat[c] += sx;
            }
        }
        if (weight != null && weight.requiresGrad()) {
            float[] gw = new float[numFeatures], gb = new float[numFeatures];
            for (int c = 0; c < numFeatures; c++) {
                gw[c] = (float) sumDyXhat[c];
                gb[c] = (float) sumDy[c];
            }
            weight.accumulateGrad(gw);
            bias.accumulateGrad(gb);
        }
        if (!input.requiresGrad()) return; // the same on every rank: they run the same graph
        float[] dx = new float[dy.length];
        if (batchStats) {
            // Global Σdy and Σdy·(x−μ) = Σdy·x̂ / invStd, exchanged in float64.
            double[] sums = new double[2 * numFeatures];
            for (int c = 0; c < numFeatures; c++) {
                sums[c] = sumDy[c];
                sums[numFeatures + c] = sumDyXhat[c] / invStd[c];
            }
            comm.allReduce(sums, ReduceOp.SUM);
            for (int n = 0; n < batch; n++) {
                for (int c = 0; c < numFeatures; c++) {
                    int base = (n * numFeatures + c) * spatial;
                    double meanDy = sums[c] / globalCount;
                    double meanDyXhat = sums[numFeatures + c] * invStd[c] / globalCount;
                    float scale = (gamma == null ? 1f : gamma[c]) * invStd[c];
                    for (int i = base; i < base + spatial; i++) {
                        dx[i] = (float) (scale * (dy[i] - meanDy - xHat[i] * meanDyXhat));
                    }
                }
            }
        } else {
            for (int n = 0; n < batch; n++) {
                for (int c = 0; c < numFeatures; c++) {
                    int base = (n * numFeatures + c) * spatial;
                    float scale = (gamma == null ? 1f : gamma[c]) * invStd[c];
                    for (int i = base; i < base + spatial; i++) dx[i] = dy[i] * scale;
                }
            }
        }
        input.accumulateGrad(dx);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public int numFeatures() {
        return numFeatures;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", world=" + comm.worldSize();
    }
}
