package io.ringtrain.engine.cuda;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.backend.CpuBackend;
import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cpu.GemmReference;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GEMM offload on a GPU: {@link CudaGemmOffload} as a replica's backend gives the CPU's
 * result (FP32: norm-wise relative error ≤ 1e-5·√(k/64) against the scalar reference, the bound of
 * {@code CudaBlasGpuTest}), and a Linear layer's forward/backward run their GEMMs on the GPU unchanged.
 */
class CudaGemmOffloadGpuTest {
    @Test
    void largeGemmsRunOnTheGpuAndMatchTheReference() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        CudaGemmOffload offload = new CudaGemmOffload(gpu, MatmulPrecision.FP32, 1L << 15);
        SplittableRandom rng = new SplittableRandom(3);
        int m = 67, n = 45, k = 130;   // 391 950 multiply-adds ≥ 2^15
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
                float[] a = random(rng, (ta ? k : m) * lda + 5), b = random(rng, (tb ? n : k) * ldb + 2);
                float[] c = random(rng, m * ldc + 1), expected = c.clone();
                long calls = offload.offloadedCalls();
                offload.sgemm(ta, tb, m, n, k, 0.5f, a, 5, lda, b, 2, ldb, 0.25f, c, 1, ldc);
                GemmReference.sgemm(ta, tb, m, n, k, 0.5f, a, 5, lda, b, 2, ldb, 0.25f, expected, 1, ldc);
                assertEquals(calls + 1, offload.offloadedCalls(), "the GEMM went to the GPU");
                double err = relativeError(c, expected);
                assertTrue(err <= 1e-5 * Math.sqrt(k / 64.0), "transA=" + ta + " transB=" + tb + ": relative error " + err);
                for (int row = 0; row < m; row++) {   // the padding between rows of C is untouched
                    for (int col = n; col < ldc && 1 + row * ldc + col < c.length; col++) {
                        assertEquals(expected[1 + row * ldc + col], c[1 + row * ldc + col], 0f);
                    }
                }
            }
        }
    }

    @Test
    void smallGemmsStayOnTheCpu() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        CudaGemmOffload offload = new CudaGemmOffload(gpu, MatmulPrecision.FP32, 1L << 21);
        float[] c = new float[4];
        offload.sgemm(false, false, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {1, 0, 0, 1}, 0, 2, 0f, c, 0, 2);
        assertEquals(0, offload.offloadedCalls());
        assertEquals(1, offload.cpuCalls());
        assertEquals(4f, c[3], 0f);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyCopy() {
        CudaDevice gpu = GpuAssumptions.requireGpu();
        CudaGemmOffload offload = new CudaGemmOffload(gpu, MatmulPrecision.FP32, 1);
        float[] a = new float[6], b = new float[6];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> offload.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, new float[3], 0, 2));
        assertTrue(e.getMessage().contains("C"), e.getMessage());
        assertEquals(0, offload.offloadedCalls());
    }

    @Test
    void aLinearLayerTrainsWithItsGemmsOnTheGpu() {
        GpuAssumptions.requireGpu();
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.randn(rng, 128, 256);
        Init.manualSeed(1);
        Linear layer = new Linear(256, 192, true);
        float[][] cpu, gpu;
        // the reference on the CPU, also in a run whose session default is an offload
        try (Placement.Binding placed = Placement.bind(CpuBackend.INSTANCE)) {
            cpu = forwardBackward(layer, x);
        }
        CudaGemmOffload offload = (CudaGemmOffload) EngineDevice.backend(DeviceChoice.CUDA, MatmulPrecision.FP32, 1);
        try (Placement.Binding placed = Placement.bind(offload)) {
            gpu = forwardBackward(layer, x);
        }
        assertEquals(3, offload.offloadedCalls(), "forward y = x·Wᵀ, backward dW and dx");
        for (int i = 0; i < cpu.length; i++) {
            double err = relativeError(gpu[i], toDouble(cpu[i]));
            assertTrue(err <= 1e-5 * Math.sqrt(256 / 64.0), "output/gradient " + i + ": relative error " + err);
        }
    }

    private static float[][] forwardBackward(Linear layer, Tensor x) {
        layer.zeroGrad();
        Tensor input = Tensor.of(x.toArray(), x.shape()).requiresGrad(true);
        Tensor y = layer.forward(input);
        y.mul(y).sum().backward();
        return new float[][] {y.toArray(), layer.weight().grad().toArray(), input.grad().toArray()};
    }

    private static double relativeError(float[] actual, float[] expected) {
        return relativeError(actual, toDouble(expected));
    }

    private static double relativeError(float[] actual, double[] expected) {
        return GpuAssumptions.relativeError(actual, expected);
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }
}
