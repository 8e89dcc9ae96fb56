package io.ringtrain.engine.cuda;

/**
 * Scalar Java definitions of the CUDA kernels in {@code kernels.cu}, one method per kernel with the
 * same name and arguments (llm.c style). The GPU tests compare each kernel with its reference here;
 * a reader can start from these loops.
 */
public final class KernelReference {
    private KernelReference() {}

    /** out = a + b */
    public static void addForward(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
    }

    /** y = max(x, 0) */
    public static void reluForward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = x[i] > 0f ? x[i] : 0f;
    }

    /** dx = dy where x > 0, else 0 */
    public static void reluBackward(float[] x, float[] dy, float[] dx, int n) {
        for (int i = 0; i < n; i++) dx[i] = x[i] > 0f ? dy[i] : 0f;
    }

    /** torch.optim.SGD (momentum, dampening, weight decay, nesterov) for one step, in place. */
    public static void sgdMomentumUpdate(float[] param, float[] grad, float[] momentumBuf, int n,
                                         float lr, float momentum, float dampening, float weightDecay,
                                         boolean nesterov, boolean firstStep) {
        for (int i = 0; i < n; i++) {
            float g = grad[i] + weightDecay * param[i];
            float buf = firstStep ? g : momentum * momentumBuf[i] + (1f - dampening) * g;
            momentumBuf[i] = buf;
            float step = nesterov ? g + momentum * buf : buf;
            param[i] = param[i] - lr * step;
        }
    }

    /** Row softmax of a rows×cols row-major matrix: y = exp(x − max) / Σ exp(x − max); an all −∞ row gives zeros. */
    public static void softmaxForward(float[] x, float[] y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[base + j]);
            if (max == Float.NEGATIVE_INFINITY) {   // a fully masked row: zeros, not NaN
                for (int j = 0; j < cols; j++) y[base + j] = 0f;
                continue;
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(x[base + j] - max);
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < cols; j++) y[base + j] = (float) Math.exp(x[base + j] - max) * inv;
        }
    }
}
