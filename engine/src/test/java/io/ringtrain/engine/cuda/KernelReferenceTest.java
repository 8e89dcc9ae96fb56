package io.ringtrain.engine.cuda;

import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scalar references of the CUDA kernels agree with the engine's CPU ops (so that a GPU kernel
 * matching its reference matches the CPU backend) and with hand-computed values where the engine
 * has no op yet (SGD).
 */
class KernelReferenceTest {
    private static final SplittableRandom RNG = new SplittableRandom(11);

    @Test
    void addAndReluMatchTheTensorOpsExactly() {
        Tensor a = Tensor.randn(RNG, 7, 13), b = Tensor.randn(RNG, 7, 13);
        int n = 7 * 13;
        float[] out = new float[n];
        KernelReference.addForward(a.data(), b.data(), out, n);
        assertArrayEquals(a.add(b).data(), out, 0f);

        Tensor x = Tensor.randn(RNG, n).requiresGrad(true);
        float[] y = new float[n];
        KernelReference.reluForward(x.data(), y, n);
        Tensor relu = x.relu();
        assertArrayEquals(relu.data(), y, 0f);

        Tensor dy = Tensor.randn(RNG, n);
        relu.mul(dy).sum().backward();
        float[] dx = new float[n];
        KernelReference.reluBackward(x.data(), dy.data(), dx, n);
        assertArrayEquals(x.grad().data(), dx, 0f);
    }

    @Test
    void softmaxMatchesTensorSoftmaxIncludingAFullyMaskedRow() {
        int rows = 5, cols = 37;
        float[] x = Tensor.randn(RNG, rows, cols).mul(4f).data();
        for (int j = 0; j < cols; j++) x[2 * cols + j] = Float.NEGATIVE_INFINITY;
        float[] y = new float[rows * cols];
        KernelReference.softmaxForward(x, y, rows, cols);
        // same float32/double arithmetic in the same order: identical
        assertArrayEquals(Tensor.of(x, rows, cols).softmax(-1).data(), y, 0f);
        for (int j = 0; j < cols; j++) assertEquals(0f, y[2 * cols + j]);
    }

    @Test
    void sgdMomentumFollowsTorchOptimSgdByHand() {
        // param 1, grad 0.5, lr 0.1, momentum 0.9, weight decay 0.01, dampening 0:
        // step 1: g = 0.51, buf = 0.51, param = 1 - 0.051 = 0.949
        // step 2: g = 0.5 + 0.00949 = 0.50949, buf = 0.9·0.51 + 0.50949 = 0.96849, param = 0.949 - 0.096849 = 0.852151
        float[] param = {1f}, grad = {0.5f}, buf = new float[1];
        KernelReference.sgdMomentumUpdate(param, grad, buf, 1, 0.1f, 0.9f, 0f, 0.01f, false, true);
        assertEquals(0.949f, param[0], 1e-6f);
        KernelReference.sgdMomentumUpdate(param, grad, buf, 1, 0.1f, 0.9f, 0f, 0.01f, false, false);
        assertEquals(0.96849f, buf[0], 1e-6f);
        assertEquals(0.852151f, param[0], 1e-6f);

        // nesterov, no decay: step 1: g = 0.5, buf = 0.5, step = 0.5 + 0.45 = 0.95, param = 1 - 0.095
        float[] p = {1f}, b = new float[1];
        KernelReference.sgdMomentumUpdate(p, grad, b, 1, 0.1f, 0.9f, 0f, 0f, true, true);
        assertEquals(0.905f, p[0], 1e-6f);
        // dampening 0.5 on step 2: buf = 0.9·0.5 + 0.5·0.5 = 0.7, step = 0.5 + 0.63 = 1.13
        KernelReference.sgdMomentumUpdate(p, grad, b, 1, 0.1f, 0.9f, 0.5f, 0f, true, false);
        assertEquals(0.7f, b[0], 1e-6f);
        assertEquals(0.905f - 0.113f, p[0], 1e-6f);
    }

    @Test
    void theKernelSourceShipsEveryKernelTheJavaSideLaunches() {
        String source = CudaKernels.source();
        for (String kernel : new String[] {"add_forward", "relu_forward", "relu_backward", "sgd_momentum_update", "softmax_forward"}) {
            assertTrue(source.contains("extern \"C\" __global__ void " + kernel + "("), kernel + " missing from kernels.cu");
        }
    }
}
