// Element-wise kernels, a row softmax and an SGD update for the engine's CUDA backend.
// Compiled at run time by NVRTC (CudaKernels); no CUDA toolchain is needed to build the project.
// Each kernel has a scalar Java reference with the same name in KernelReference.java;
// the GPU tests compare the two. Sizes are int: one launch covers at most 2^31 - 1 elements.

// Grid-stride loop: any grid size covers all n elements.
#define FOR_EACH(i, n) for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                            i += (long long)gridDim.x * blockDim.x)

// out = a + b
extern "C" __global__ void add_forward(const float* a, const float* b, float* out, int n) {
    FOR_EACH(i, n) out[i] = a[i] + b[i];
}

// y = max(x, 0)
extern "C" __global__ void relu_forward(const float* x, float* y, int n) {
    FOR_EACH(i, n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

// dx = dy where x > 0, else 0 (PyTorch's convention: the gradient at x == 0 is 0)
extern "C" __global__ void relu_backward(const float* x, const float* dy, float* dx, int n) {
    FOR_EACH(i, n) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

// torch.optim.SGD with momentum, in place, one element per thread:
//   g   = grad + weight_decay * param
//   buf = g                                       on the first step
//   buf = momentum * buf + (1 - dampening) * g    afterwards
//   g   = nesterov ? g + momentum * buf : buf
//   param -= lr * g
extern "C" __global__ void sgd_momentum_update(float* param, const float* grad, float* momentum_buf, int n,
                                               float lr, float momentum, float dampening, float weight_decay,
                                               int nesterov, int first_step) {
    FOR_EACH(i, n) {
        float g = grad[i] + weight_decay * param[i];
        float buf = first_step ? g : momentum * momentum_buf[i] + (1.0f - dampening) * g;
        momentum_buf[i] = buf;
        float step = nesterov ? g + momentum * buf : buf;
        param[i] = param[i] - lr * step;
    }
}

// Row softmax of a rows x cols row-major matrix: y = exp(x - max) / sum(exp(x - max));
// a row of only -infinity gives zeros.
// One block per row; blockDim.x must be SOFTMAX_THREADS (a power of two).
#define SOFTMAX_THREADS 256
extern "C" __global__ void softmax_forward(const float* x, float* y, int rows, int cols) {
    __shared__ float scratch[SOFTMAX_THREADS];
    int row = blockIdx.x;
    if (row >= rows) return;
    const float* xr = x + (long long)row * cols;
    float* yr = y + (long long)row * cols;
    int t = threadIdx.x;

    float m = __int_as_float(0xff800000);   // -infinity
    for (int j = t; j < cols; j += blockDim.x) m = fmaxf(m, xr[j]);
    scratch[t] = m;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) scratch[t] = fmaxf(scratch[t], scratch[t + s]);
        __syncthreads();
    }
    m = scratch[0];
    if (m == __int_as_float(0xff800000)) {   // a fully masked row: zeros, not NaN (as Tensor.softmax)
        for (int j = t; j < cols; j += blockDim.x) yr[j] = 0.0f;
        return;                               // uniform across the block: no thread waits below
    }
    __syncthreads();   // everyone has read the max before scratch is reused

    float sum = 0.0f;
    for (int j = t; j < cols; j += blockDim.x) sum += expf(xr[j] - m);
    scratch[t] = sum;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) scratch[t] += scratch[t + s];
        __syncthreads();
    }
    float inv = 1.0f / scratch[0];
    for (int j = t; j < cols; j += blockDim.x) yr[j] = expf(xr[j] - m) * inv;
}
