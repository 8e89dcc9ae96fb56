package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.SpareArray;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.functional.BatchNormKernels;

/**
 * Batch normalisation over the channel dimension 1 of an [N, C, *] input (PyTorch's {@code _BatchNorm}):
 * {@code y = (x − mean)/√(var + eps)·weight + bias}, per channel.
 *
 * <p>Training mode (or {@code trackRunningStats = false}): mean and the <em>biased</em> variance
 * come from the batch, over N·S elements per channel. With {@code trackRunningStats}, each
 * training forward also updates the buffers
 * <pre>
 *   running_mean ← (1 − momentum)·running_mean + momentum·mean
 *   running_var  ← (1 − momentum)·running_var  + momentum·var·M/(M − 1)     (unbiased, M = N·S)
 *   num_batches_tracked ← num_batches_tracked + 1
 * </pre>
 * ({@code momentum = null}: cumulative average, factor 1/num_batches_tracked). Eval mode
 * normalises with the running statistics. {@code num_batches_tracked} is counted in a float32
 * scalar (exact up to 2^24 steps) and saved as int64, PyTorch's dtype.
 *
 * <p><b>Extension points for SyncBatchNorm.</b> The per-channel statistics go through two
 * protected methods, so a data-parallel subclass can make them global without copying the kernels:
 * <ul>
 *   <li>{@link #batchStatistics} — forward: returns (count, mean, biased var) of the batch; the
 *       default computes them locally. A SyncBatchNorm calls {@code super.batchStatistics}, gathers
 *       every replica's (count, mean, var) and merges them by count
 *       (mean = Σcᵢmeanᵢ/Σcᵢ, var = Σcᵢ(varᵢ + (meanᵢ − mean)²)/Σcᵢ), returning the global
 *       statistics; the running_var update then uses the global count for the unbiased factor.</li>
 *   <li>{@link #reduceBackwardSums} — backward: receives the local per-channel sums Σdy and
 *       Σdy·(x − mean) and may replace them in place with their all-reduced sums. It is called
 *       after the weight and bias gradients have been taken from the local sums (as in PyTorch,
 *       where the data-parallel gradient all-reduce averages those), and before dx is computed
 *       with the global count from the forward's statistics.</li>
 * </ul>
 */
public class BatchNorm extends Module {
    private final int numFeatures;
    private final float eps;
    private final Float momentum;
    private final boolean trackRunningStats;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    /** Per-channel statistics of the batch being normalised: {@code count} elements per channel, their mean and biased variance. */
    public record BatchStatistics(long count, float[] mean, float[] var) {}

    /**
     * Makes the statistics span several replicas (SyncBatchNorm): set on a layer with
     * {@link #setCrossReplica}, it is called from {@link #batchStatistics} and
     * {@link #reduceBackwardSums}. A strategy rather than a subclass, so converting a model keeps
     * its layers (and the fields that hold them) and only changes how statistics are gathered.
     */
    public interface CrossReplica {
        /** Global statistics from this replica's; every replica must call this in the same order. */
        BatchStatistics merge(BatchStatistics local);

        /** Replaces Σdy and Σdy·(x − mean) by their sums over all replicas, in place. */
        void reduceBackwardSums(float[] sumDy, float[] sumDyXmu);
    }

    private CrossReplica crossReplica;
    private final SpareArray<float[]> output = SpareArray.floats();
    private boolean recycleOutput;

    /** Synchronises this layer's statistics across replicas (null: local, the default). */
    public void setCrossReplica(CrossReplica crossReplica) {
        this.crossReplica = crossReplica;
    }

    public CrossReplica crossReplica() {
        return crossReplica;
    }

    /** eps 1e-5, momentum 0.1, affine, tracking running statistics: PyTorch's defaults. */
    public BatchNorm(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true, true);
    }

    /** {@code momentum} null means a cumulative moving average. */
    public BatchNorm(int numFeatures, float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.trackRunningStats = trackRunningStats;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        this.runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.zeros(numFeatures)) : null;
        this.runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.ones(numFeatures)) : null;
        this.numBatchesTracked = trackRunningStats ? registerInt64Buffer("num_batches_tracked", Tensor.zeros()) : null;
    }

    /** Checks the input rank for the concrete layer (BatchNorm1d: 2 or 3, BatchNorm2d: 4). */
    protected void checkInput(int[] shape) {
        if (shape.length < 2) throw new IllegalArgumentException("tensor shape " + Shape.str(shape) + " has no channel dimension for " + this);
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        checkInput(s);
        if (s[1] != numFeatures) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(s) + " does not match " + getClass().getSimpleName()
                    + "(num_features=" + numFeatures + "): the input has " + s[1] + " channels");
        }
        int batch = s[0], channels = s[1], spatial = 1;
        for (int i = 2; i < s.length; i++) spatial *= s[i];
        float[] x = input.contiguous().data();
        boolean useBatchStats = isTraining() || !trackRunningStats;

        float[] mean, var;
        long count;
        if (useBatchStats) {
            BatchStatistics stats = batchStatistics(x, batch, channels, spatial);
            if (stats.count() <= 1 && isTraining()) {
                throw new IllegalArgumentException("expected more than 1 value per channel when training, got input shape " + Shape.str(s)
                        + " for " + getClass().getSimpleName() + "(" + numFeatures + "); use a batch larger than 1 or eval()");
            }
            mean = stats.mean();
            var = stats.var();
            count = stats.count();
            if (isTraining() && trackRunningStats) updateRunningStatistics(mean, var, count);
        } else {
            mean = runningMean.toArray();
            var = runningVar.toArray();
            count = (long) batch * spatial;
        }
        float[] w = weight == null ? null : weight.data();
        float[] b = bias == null ? null : bias.data();
        float[] invstd = new float[channels], scale = new float[channels], shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            invstd[c] = (float) (1.0 / Math.sqrt(var[c] + (double) eps));
            float wc = w == null ? 1f : w[c];
            scale[c] = wc * invstd[c];
            shift[c] = (b == null ? 0f : b[c]) - mean[c] * scale[c];
        }
        boolean lendOutput = recycleOutput && GradMode.isEnabled() && (input.requiresGrad() || anyParameterRequiresGrad());
        float[] y = lendOutput ? output.take(x.length) : new float[x.length]; // forward writes every element
        BatchNormKernels.forward(x, batch, channels, spatial, scale, shift, y);
        if (!GradMode.isEnabled()) return Tensor.of(y, s);
        Tensor in = input;
        float[] meanUsed = mean;
        int batchF = batch, spatialF = spatial;
        long countUsed = count;
        return Tensor.fromOp(y, s, "batch_norm", dy -> {
            float[] sumDy = new float[channels], sumDyXmu = new float[channels];
            BatchNormKernels.backwardSums(dy, x, batchF, channels, spatialF, meanUsed, sumDy, sumDyXmu);
            if (weight != null && weight.requiresGrad()) {
                float[] dw = new float[channels];
                for (int c = 0; c < channels; c++) dw[c] = sumDyXmu[c] * invstd[c];
                weight.accumulateGradOwned(dw);
            }
            if (bias != null && bias.requiresGrad()) bias.accumulateGradOwned(sumDy.clone());
            if (lendOutput) output.giveBack(y);
            if (!in.requiresGrad()) return;
            float[] dyScale = new float[channels], xmuScale = new float[channels], constant = new float[channels];
            if (useBatchStats) {
                reduceBackwardSums(sumDy, sumDyXmu);
                for (int c = 0; c < channels; c++) {
                    float k = (w == null ? 1f : w[c]) * invstd[c];
                    dyScale[c] = k;
                    xmuScale[c] = (float) (-(double) k * invstd[c] * invstd[c] * sumDyXmu[c] / countUsed);
                    constant[c] = (float) (-(double) k * sumDy[c] / countUsed);
                }
            } else {
                for (int c = 0; c < channels; c++) dyScale[c] = (w == null ? 1f : w[c]) * invstd[c];
            }
            float[] dx = dy; // element-wise, and dy is ours to overwrite (BackwardFn): no new array
            BatchNormKernels.backwardInput(dy, x, batchF, channels, spatialF, meanUsed, dyScale, xmuScale, constant, dx);
            in.accumulateGradOwned(dx);
        }, input, weight, bias);
    }

    private boolean anyParameterRequiresGrad() {
        return (weight != null && weight.requiresGrad()) || (bias != null && bias.requiresGrad());
    }

    /**
     * Reuse the output array from step to step: a recorded forward's output is lent from a spare
     * that this layer's backward takes back ({@link SpareArray}). Only for a layer whose owner reads
     * its output in the same step and never keeps it (a model's inner layers): a kept output
     * would change under the caller at the next forward. Unrecorded forwards allocate as usual.
     */
    public BatchNorm recycleOutput() {
        this.recycleOutput = true;
        return this;
    }

    /**
     * The statistics to normalise this batch with (x laid out [batch, channels, spatial]). The
     * default is the local batch; SyncBatchNorm overrides this to merge every replica's
     * (count, mean, var) by count. Must return the biased variance.
     */
    protected BatchStatistics batchStatistics(float[] x, int batch, int channels, int spatial) {
        float[] mean = new float[channels], var = new float[channels];
        BatchNormKernels.statistics(x, batch, channels, spatial, mean, var);
        BatchStatistics local = new BatchStatistics((long) batch * spatial, mean, var);
        return crossReplica == null ? local : crossReplica.merge(local);
    }

    /**
     * Hook for SyncBatchNorm: replace the local per-channel sums Σdy and Σdy·(x − mean) in place by
     * their sums over all replicas. The default (one replica) leaves them as they are.
     */
    protected void reduceBackwardSums(float[] sumDy, float[] sumDyXmu) {
        if (crossReplica != null) crossReplica.reduceBackwardSums(sumDy, sumDyXmu);
    }

    private void updateRunningStatistics(float[] mean, float[] var, long count) {
        float[] tracked = numBatchesTracked.storage();
        tracked[numBatchesTracked.storageOffset()] += 1f;
        double factor = momentum != null ? momentum : 1.0 / tracked[numBatchesTracked.storageOffset()];
        double unbias = count > 1 ? (double) count / (count - 1) : 1.0;
        float[] rm = runningMean.storage(), rv = runningVar.storage();
        int om = runningMean.storageOffset(), ov = runningVar.storageOffset();
        for (int c = 0; c < numFeatures; c++) {
            rm[om + c] = (float) ((1 - factor) * rm[om + c] + factor * mean[c]);
            rv[ov + c] = (float) ((1 - factor) * rv[ov + c] + factor * var[c] * unbias);
        }
    }

    public int numFeatures() {
        return numFeatures;
    }

    public float eps() {
        return eps;
    }

    public Float momentum() {
        return momentum;
    }

    public boolean trackRunningStats() {
        return trackRunningStats;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    public Tensor numBatchesTracked() {
        return numBatchesTracked;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + (weight != null) + ", track_running_stats=" + trackRunningStats;
    }
}
