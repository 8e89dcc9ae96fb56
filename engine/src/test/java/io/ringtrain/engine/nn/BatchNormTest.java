package io.ringtrain.engine.nn;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchNormTest {
    private static final SplittableRandom RNG = new SplittableRandom(3);
    // Normalised outputs are O(1) and go through a variance and a rsqrt in float32: ~1e-6; 2e-5/1e-4 leaves margin.
    private static final double ATOL = 2e-5, RTOL = 1e-4;

    private static void checkTrainStepThenEval(String fixture, BatchNorm bn) {
        Golden g = LayerGolden.check(fixture, bn, ATOL, RTOL);
        g.assertClose("running_mean", bn.runningMean(), 1e-6, 1e-5);
        g.assertClose("running_var", bn.runningVar(), 1e-6, 1e-5);
        g.assertClose("num_batches_tracked", bn.numBatchesTracked().reshape(1), 0, 0);
        bn.eval();
        g.assertClose("y_eval", bn.forward(g.get("x_eval")), ATOL, RTOL);
    }

    @Test
    void batchNorm2dMatchesPyTorchInTrainingAndEval() {
        checkTrainStepThenEval("batchnorm2d", new BatchNorm2d(3, 1e-5f, 0.1f, true, true));
    }

    @Test
    void batchNorm1dMatchesPyTorchFor2dAnd3dInputs() {
        checkTrainStepThenEval("batchnorm1d", new BatchNorm1d(4, 1e-5f, 0.3f, true, true));
        checkTrainStepThenEval("batchnorm1d_3d", new BatchNorm1d(3));
    }

    @Test
    void trainingModeGradientsMatchCentralDifferences() {
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.weight().copyFrom(Tensor.uniform(RNG, 0.5f, 1.5f, 3));
        bn.bias().copyFrom(Tensor.uniform(RNG, -0.5f, 0.5f, 3));
        Tensor x = Tensor.randn(RNG, 3, 3, 2, 3);
        // Normalisation divides by a batch std of ~1: the default eps 1e-2 probe stays in the linear regime.
        GradCheck.check("batchnorm2d train, input", in -> bn.forward(in.get(0)), x);
        GradCheck.check("batchnorm2d train, weight and bias", in -> bn.forward(x), bn.weight(), bn.bias());
        BatchNorm1d noAffine = new BatchNorm1d(4, 1e-5f, 0.1f, false, false);
        GradCheck.check("batchnorm1d without affine or running stats", in -> noAffine.forward(in.get(0)), Tensor.randn(RNG, 5, 4));
        bn.eval();
        GradCheck.check("batchnorm2d eval, input and weight", in -> bn.forward(in.get(0)), Tensor.randn(RNG, 2, 3, 2, 2), bn.weight());
    }

    @Test
    void runningVarianceUsesTheUnbiasedBatchVariance() {
        BatchNorm1d bn = new BatchNorm1d(1, 1e-5f, 1f, true, true);
        bn.forward(Tensor.of(new float[] {1, 2, 3, 6}, 4, 1));
        // mean 3, Σ(x−3)² = 14: biased var 3.5, unbiased 14/3
        assertEquals(3f, bn.runningMean().get(0), 1e-6);
        assertEquals(14f / 3f, bn.runningVar().get(0), 1e-5);
        assertEquals(1f, bn.numBatchesTracked().item());
    }

    @Test
    void cumulativeAverageWhenMomentumIsNull() {
        BatchNorm1d bn = new BatchNorm1d(1, 1e-5f, null, true, true);
        bn.forward(Tensor.of(new float[] {0, 2}, 2, 1));
        bn.forward(Tensor.of(new float[] {4, 6}, 2, 1));
        assertEquals(3f, bn.runningMean().get(0), 1e-6, "mean of the batch means 1 and 5");
    }

    @Test
    void withoutRunningStatsEvalStillUsesBatchStatistics() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5f, 0.1f, false, false);
        assertNull(bn.runningMean());
        assertTrue(bn.stateDict().isEmpty(), "no parameters and no buffers");
        bn.eval();
        Tensor y = bn.forward(Tensor.of(new float[] {1, 10, 3, 30}, 2, 2));
        assertArrayEquals(new float[] {-1, -1, 1, 1}, y.toArray(), 1e-3f);
    }

    @Test
    void evalModeLeavesRunningStatisticsAlone() {
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.eval();
        try (var s = GradMode.noGrad()) {
            bn.forward(Tensor.randn(RNG, 2, 2, 3, 3).mul(5f));
        }
        assertArrayEquals(new float[] {0, 0}, bn.runningMean().toArray());
        assertEquals(0f, bn.numBatchesTracked().item());
    }

    /** A stand-in for SyncBatchNorm: the hooks see the local statistics and sums and may replace them. */
    @Test
    void statisticsAndBackwardSumsGoThroughTheOverridableHooks() {
        int[] calls = new int[2];
        BatchNorm2d hooked = new BatchNorm2d(2) {
            @Override
            protected BatchStatistics batchStatistics(float[] x, int batch, int channels, int spatial) {
                calls[0]++;
                return super.batchStatistics(x, batch, channels, spatial);
            }

            @Override
            protected void reduceBackwardSums(float[] sumDy, float[] sumDyXmu) {
                calls[1]++;
            }
        };
        Tensor x = Tensor.randn(RNG, 2, 2, 3, 3).requiresGrad(true);
        hooked.forward(x).sum().backward();
        assertArrayEquals(new int[] {1, 1}, calls);
    }

    @Test
    void trainingOnOneValuePerChannelIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(1, 3)));
        assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
    }
}
