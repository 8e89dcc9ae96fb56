package io.ringtrain.engine.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips a GPU test with a visible reason on machines where CUDA is not usable. */
final class GpuAssumptions {
    private GpuAssumptions() {}

    static CudaDevice requireGpu() {
        assumeTrue(CudaRuntime.available(), () -> "no CUDA device: " + CudaRuntime.availability().reason());
        return CudaDevice.get(0);
    }

    /** ‖actual − expected‖₂ / ‖expected‖₂, with expected in float64. */
    static double relativeError(float[] actual, double[] expected) {
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }
}
