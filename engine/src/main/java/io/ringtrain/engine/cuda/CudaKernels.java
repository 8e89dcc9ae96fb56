package io.ringtrain.engine.cuda;

import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernels of {@code kernels.cu} (a resource in the jar), compiled by NVRTC for this device's
 * architecture when first used, and launched on the default stream. Launches are asynchronous;
 * a copy to the host or {@link CudaDevice#synchronize()} waits for them. Scalar references:
 * {@code KernelReference} (engine test sources).
 */
public final class CudaKernels {
    static final String SOURCE_RESOURCE = "kernels.cu";
    private static final int THREADS = 256;          // element-wise block size
    private static final int SOFTMAX_THREADS = 256;  // must equal SOFTMAX_THREADS in kernels.cu

    private final CudaDevice device;
    private final CUmod_st module = new CUmod_st();
    private final CUfunc_st addForward;
    private final CUfunc_st reluForward;
    private final CUfunc_st reluBackward;
    private final CUfunc_st sgdMomentumUpdate;
    private final CUfunc_st softmaxForward;

    CudaKernels(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        byte[] cubin = Nvrtc.compileToCubin(source(), SOURCE_RESOURCE, device.computeMajor(), device.computeMinor());
        try (BytePointer image = new BytePointer(cubin)) {
            CudaException.checkDriver(cudart.cuModuleLoadData(module, image), "cuModuleLoadData(" + SOURCE_RESOURCE + ")");
        }
        addForward = function("add_forward");
        reluForward = function("relu_forward");
        reluBackward = function("relu_backward");
        sgdMomentumUpdate = function("sgd_momentum_update");
        softmaxForward = function("softmax_forward");
    }

    /** The CUDA C source of every kernel, as shipped in the jar. */
    public static String source() {
        try (InputStream in = CudaKernels.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) throw new IllegalStateException("kernel source " + SOURCE_RESOURCE + " is missing from the engine jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + SOURCE_RESOURCE, e);
        }
    }

    /** out = a + b over n floats. */
    public void addForward(DeviceBuffer a, DeviceBuffer b, DeviceBuffer out, int n) {
        requireFloats(n, a, b, out);
        launch(addForward, blocks(n), THREADS, a, b, out, n);
    }

    /** y = max(x, 0). */
    public void reluForward(DeviceBuffer x, DeviceBuffer y, int n) {
        requireFloats(n, x, y);
        launch(reluForward, blocks(n), THREADS, x, y, n);
    }

    /** dx = dy where x > 0, else 0. */
    public void reluBackward(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, int n) {
        requireFloats(n, x, dy, dx);
        launch(reluBackward, blocks(n), THREADS, x, dy, dx, n);
    }

    /** One torch.optim.SGD step in place on {@code param} and {@code momentumBuf}; see {@code KernelReference.sgdMomentumUpdate} (engine test sources). */
    public void sgdMomentumUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer momentumBuf, int n,
                                  float lr, float momentum, float dampening, float weightDecay,
                                  boolean nesterov, boolean firstStep) {
        requireFloats(n, param, grad, momentumBuf);
        launch(sgdMomentumUpdate, blocks(n), THREADS, param, grad, momentumBuf, n,
                lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0);
    }

    /** Row softmax of a rows×cols row-major matrix, one block per row. */
    public void softmaxForward(DeviceBuffer x, DeviceBuffer y, int rows, int cols) {
        requireFloats(Math.multiplyExact(rows, cols), x, y);
        if (rows == 0) return;
        launch(softmaxForward, rows, SOFTMAX_THREADS, x, y, rows, cols);
    }

    private static int blocks(int n) {
        return Math.max(1, (n + THREADS - 1) / THREADS);
    }

    private static void requireFloats(int n, DeviceBuffer... buffers) {
        if (n < 0) throw new IllegalArgumentException("kernel size " + n + " is negative");
        for (DeviceBuffer b : buffers) {
            if (b.floats() < n) {
                throw new IndexOutOfBoundsException("kernel over " + n + " floats given a device buffer of " + b.floats());
            }
        }
    }

    /**
     * cuLaunchKernel takes {@code void** kernelParams}: one pointer per argument to a host cell holding
     * that argument's value (a device address, an int or a float), read at launch.
     */
    private void launch(CUfunc_st function, int gridX, int blockX, Object... args) {
        List<Pointer> cells = new ArrayList<>(args.length);
        try (PointerPointer<Pointer> params = new PointerPointer<>(args.length)) {
            for (int i = 0; i < args.length; i++) {
                Object arg = args[i];
                Pointer cell;
                if (arg instanceof DeviceBuffer) cell = new LongPointer(1).put(((DeviceBuffer) arg).address());
                else if (arg instanceof Integer) cell = new IntPointer(1).put((Integer) arg);
                else if (arg instanceof Float) cell = new FloatPointer(1).put((Float) arg);
                else throw new IllegalArgumentException("kernel argument " + i + " has unsupported type " + arg.getClass());
                cells.add(cell);
                params.put(i, cell);
            }
            device.makeCurrent();
            CudaException.checkDriver(cudart.cuLaunchKernel(function, gridX, 1, 1, blockX, 1, 1, 0, null, params, null),
                    "cuLaunchKernel(grid " + gridX + ", block " + blockX + ")");
        } finally {
            for (Pointer cell : cells) cell.close();
        }
    }

    private CUfunc_st function(String name) {
        CUfunc_st f = new CUfunc_st();
        CudaException.checkDriver(cudart.cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
        return f;
    }
}
