package io.ringtrain.engine.cuda;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each NVRTC kernel against its scalar reference in {@link KernelReference} (which
 * {@link KernelReferenceTest} ties to the CPU backend). Outputs are filled with NaN before every
 * launch, so an element the kernel fails to write cannot pass. Sizes are not multiples of the block.
 */
class CudaKernelsGpuTest {
    private static final SplittableRandom RNG = new SplittableRandom(3);
    private static final int N = 1_000_003;

    @Test
    void addAndReluForwardAndBackwardAreExact() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        CudaKernels kernels = gpu.kernels();
        float[] a = gaussian(N), b = gaussian(N);
        float[] sum = new float[N], relu = new float[N], drelu = new float[N];
        KernelReference.addForward(a, b, sum, N);
        KernelReference.reluForward(a, relu, N);
        KernelReference.reluBackward(a, b, drelu, N);
        try (DeviceBuffer da = gpu.upload(a); DeviceBuffer db = gpu.upload(b); DeviceBuffer out = gpu.allocateFloats(N)) {
            // one IEEE float32 add / compare per element on both sides: bit-identical
            gpu.fillNaN(out);
            kernels.addForward(da, db, out, N);
            assertArrayEquals(sum, gpu.download(out), 0f, "add_forward");
            gpu.fillNaN(out);
            kernels.reluForward(da, out, N);
            assertArrayEquals(relu, gpu.download(out), 0f, "relu_forward");
            gpu.fillNaN(out);
            kernels.reluBackward(da, db, out, N);
            assertArrayEquals(drelu, gpu.download(out), 0f, "relu_backward");
        }
    }

    @Test
    void sgdMomentumMatchesTheReferenceOverSeveralSteps() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        float[] param = gaussian(N), buf = new float[N];
        try (DeviceBuffer dp = gpu.upload(param); DeviceBuffer dbuf = gpu.allocateFloats(N)) {
            gpu.fillNaN(dbuf);   // the first step must overwrite the buffer, never read it
            for (int step = 0; step < 3; step++) {
                float[] grad = gaussian(N);
                boolean nesterov = step == 2;
                KernelReference.sgdMomentumUpdate(param, grad, buf, N, 0.05f, 0.9f, step == 1 ? 0.1f : 0f, 1e-4f, nesterov, step == 0);
                try (DeviceBuffer dg = gpu.upload(grad)) {
                    gpu.kernels().sgdMomentumUpdate(dp, dg, dbuf, N, 0.05f, 0.9f, step == 1 ? 0.1f : 0f, 1e-4f, nesterov, step == 0);
                }
            }
            // NVRTC may contract a·b + c into one FMA where Java rounds twice: ≤ a few ulp per step
            // on values of order 1; 1e-5 absolute leaves margin.
            assertArrayEquals(param, gpu.download(dp), 1e-5f, "param");
            assertArrayEquals(buf, gpu.download(dbuf), 1e-5f, "momentum buffer");
        }
    }

    @Test
    void rowSoftmaxMatchesTheReferenceForNarrowWideAndMaskedRows() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        for (int cols : new int[] {1, 10, 255, 1000, 5003}) {
            int rows = 67;
            float[] x = gaussian(rows * cols);
            for (int i = 0; i < x.length; i++) x[i] *= 5f;
            for (int j = 0; j < cols; j++) x[3 * cols + j] = Float.NEGATIVE_INFINITY;   // a fully masked row → zeros
            float[] expected = new float[x.length];
            KernelReference.softmaxForward(x, expected, rows, cols);
            try (DeviceBuffer dx = gpu.upload(x); DeviceBuffer dy = gpu.allocateFloats(x.length)) {
                gpu.fillNaN(dy);
                gpu.kernels().softmaxForward(dx, dy, rows, cols);
                float[] got = gpu.download(dy);
                // expf vs Math.exp (≤ 2 ulp) and a float tree sum vs a double sum: relative 1e-5 per element
                for (int i = 0; i < x.length; i++) {
                    assertEquals(expected[i], got[i], 1e-7f + 1e-5f * expected[i], "cols=" + cols + " element " + i);
                }
            }
        }
    }

    private static float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) RNG.nextGaussian();
        return x;
    }
}
