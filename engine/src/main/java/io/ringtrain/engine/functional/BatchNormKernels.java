package io.ringtrain.engine.functional;


/**
 * batchnorm_forward / batchnorm_backward over float arrays laid out [N, C, S] (S = spatial size,
 * 1 for [N, C] input). Per channel c, over its M = N·S elements:
 * <pre>
 *   mean = Σx / M,  var = Σ(x − mean)² / M (biased),  invstd = 1/√(var + eps)
 *   y    = (x − mean)·invstd·w + b  =  x·scale + shift,   scale = w·invstd,  shift = b − mean·scale
 *   backward (training, statistics depend on x):
 *     sumDy = Σdy,  sumDyXmu = Σdy·(x − mean)
 *     dx = w·invstd·(dy − sumDy/M − (x − mean)·invstd²·sumDyXmu/M)
 *     dw = sumDyXmu·invstd,  db = sumDy
 *   backward (eval, fixed statistics):  dx = dy·w·invstd
 * </pre>
 * Channels (reductions) and images (element-wise passes) are split over {@link Workers} threads.
 */
public final class BatchNormKernels {
    private BatchNormKernels() {}

    /** Per-channel mean and biased variance (two passes, accumulated in double). */
    public static void statistics(float[] x, int batch, int channels, int spatial, float[] mean, float[] var) {
        Workers.forRange(channels, (long) batch * spatial * 2, (chunk, start, end) -> {
            for (int c = start; c < end; c++) {
                double sum = 0;
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    sum += FloatSums.sum(x, base, base + spatial);
                }
                long m = (long) batch * spatial;
                double mu = sum / m;
                float muF = (float) mu;
                double sq = 0;
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    sq += FloatSums.sumSquaredDeviations(x, base, base + spatial, muF);
                }
                mean[c] = muF;
                var[c] = (float) (sq / m);
            }
        });
    }

    /** y = x·scale[c] + shift[c]. */
    public static void forward(float[] x, int batch, int channels, int spatial, float[] scale, float[] shift, float[] y) {
        Workers.forRange(batch, (long) channels * spatial, (chunk, start, end) -> {
            for (int n = start; n < end; n++) {
                for (int c = 0; c < channels; c++) {
                    float a = scale[c], b = shift[c];
                    int base = (n * channels + c) * spatial;
                    for (int i = base, e = base + spatial; i < e; i++) y[i] = x[i] * a + b;
                }
            }
        });
    }

    /** sumDy[c] = Σdy and sumDyXmu[c] = Σdy·(x − mean[c]) over the channel's elements. */
    public static void backwardSums(float[] dy, float[] x, int batch, int channels, int spatial, float[] mean,
                                    float[] sumDy, float[] sumDyXmu) {
        Workers.forRange(channels, (long) batch * spatial * 2, (chunk, start, end) -> {
            for (int c = start; c < end; c++) {
                float mu = mean[c];
                double[] sums = new double[2]; // Σdy, Σdy·(x − mean): per-image float partials added in double
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    FloatSums.sumAndSumProductsCentred(dy, x, base, base + spatial, mu, sums);
                }
                sumDy[c] = (float) sums[0];
                sumDyXmu[c] = (float) sums[1];
            }
        });
    }

    /**
     * dx = dyScale[c]·dy + xmuScale[c]·(x − mean[c]) + constant[c]; the training-mode gradient with
     * dyScale = w·invstd, xmuScale = −w·invstd³·sumDyXmu/M, constant = −w·invstd·sumDy/M, and the
     * eval-mode one with xmuScale = constant = 0.
     */
    public static void backwardInput(float[] dy, float[] x, int batch, int channels, int spatial, float[] mean,
                                     float[] dyScale, float[] xmuScale, float[] constant, float[] dx) {
        Workers.forRange(batch, (long) channels * spatial, (chunk, start, end) -> {
            for (int n = start; n < end; n++) {
                for (int c = 0; c < channels; c++) {
                    float a = dyScale[c], b = xmuScale[c], k = constant[c] - b * mean[c];
                    int base = (n * channels + c) * spatial;
                    for (int i = base, e = base + spatial; i < e; i++) dx[i] = a * dy[i] + b * x[i] + k;
                }
            }
        });
    }
}
