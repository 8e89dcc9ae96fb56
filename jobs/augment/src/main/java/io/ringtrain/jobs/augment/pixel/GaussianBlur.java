package io.ringtrain.jobs.augment.pixel;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.SplittableRandom;

/**
 * Gaussian blur with σ drawn uniformly from [minSigma, maxSigma] (torchvision {@code GaussianBlur}).
 * Kernel: k taps at x = −(k−1)/2 … (k−1)/2, weight exp(−x²/(2σ²)), normalised to sum 1; borders are
 * mirrored without repeating the edge pixel ("reflect", as torchvision pads). Applied as two 1-D
 * passes (the 2-D kernel torchvision uses is their outer product).
 *
 * <p>When the kernel size is not given it is derived from each drawn σ as k = 2·⌈3σ⌉ + 1, which
 * covers ±3σ (99.7% of the mass). (OpenCV uses round(2·3σ + 1) | 1 for uint8 and 4σ for float;
 * torchvision requires the size.)
 */
public final class GaussianBlur implements Transform<GaussianBlur.Sigma> {
    public record Sigma(double sigma) implements Params {
    }

    /** 0 = derive from σ. */
    private final int kernelSize;
    private final double minSigma;
    private final double maxSigma;

    public GaussianBlur(int kernelSize, double minSigma, double maxSigma) {
        if (kernelSize < 0 || (kernelSize > 0 && kernelSize % 2 == 0)) {
            throw new IllegalArgumentException("gaussian_blur: kernel_size must be a positive odd number (or omitted), got " + kernelSize);
        }
        if (!(minSigma > 0)) {
            throw new IllegalArgumentException("gaussian_blur: sigma must be > 0, got " + minSigma);
        }
        if (!(minSigma <= maxSigma)) {
            throw new IllegalArgumentException("gaussian_blur: sigma must be [min, max] with min <= max, got [" + minSigma + ", " + maxSigma + "]");
        }
        this.kernelSize = kernelSize;
        this.minSigma = minSigma;
        this.maxSigma = maxSigma;
    }

    @Override
    public String name() {
        return "gaussian_blur";
    }

    @Override
    public Sigma draw(SplittableRandom rng, ImageSize input) {
        return new Sigma(SampleRandom.uniform(rng, minSigma, maxSigma));
    }

    @Override
    public Sample apply(Sigma p, Sample sample) {
        int k = kernelSize > 0 ? kernelSize : kernelSizeFor(p.sigma());
        return sample.withImage(blur(sample.image(), k, k, p.sigma(), p.sigma()));
    }

    /** k = 2·⌈3σ⌉ + 1. */
    public static int kernelSizeFor(double sigma) {
        return 2 * (int) Math.ceil(3 * sigma) + 1;
    }

    /** torchvision's {@code _get_gaussian_kernel1d}. */
    public static float[] kernel1d(int size, double sigma) {
        float[] k = new float[size];
        double half = (size - 1) * 0.5;
        double sum = 0;
        double[] pdf = new double[size];
        for (int i = 0; i < size; i++) {
            double x = -half + i;
            pdf[i] = Math.exp(-0.5 * (x / sigma) * (x / sigma));
            sum += pdf[i];
        }
        for (int i = 0; i < size; i++) {
            k[i] = (float) (pdf[i] / sum);
        }
        return k;
    }

    /** {@code F.gaussian_blur(img, [kx, ky], [sigmaX, sigmaY])} on a float tensor. */
    public static Image blur(Image img, int kx, int ky, double sigmaX, double sigmaY) {
        if (kx <= 0 || kx % 2 == 0 || ky <= 0 || ky % 2 == 0) {
            throw new IllegalArgumentException("gaussian_blur: kernel_size must be positive and odd, got [" + kx + ", " + ky + "]");
        }
        if (!(sigmaX > 0 && sigmaY > 0)) {
            throw new IllegalArgumentException("gaussian_blur: sigma must be > 0, got [" + sigmaX + ", " + sigmaY + "]");
        }
        int w = img.width();
        int h = img.height();
        int plane = w * h;
        float[] kernelX = kernel1d(kx, sigmaX);
        float[] kernelY = kernel1d(ky, sigmaY);
        int rx = kx / 2;
        int ry = ky / 2;
        float[] in = img.data();
        float[] horizontal = new float[plane];
        float[] out = new float[in.length];
        float[] padded = new float[w + 2 * rx];
        int[] rowOf = new int[h + 2 * ry];
        for (int i = 0; i < rowOf.length; i++) {
            rowOf[i] = reflect(i - ry, h);
        }
        int[] horizontalTaps = new int[kx];
        for (int t = 0; t < kx; t++) {
            horizontalTaps[t] = t;
        }
        int[] verticalTaps = new int[ky];
        for (int c = 0; c < img.channels(); c++) {
            int base = c * plane;
            for (int y = 0; y < h; y++) { // horizontal pass on a reflect-padded copy of the row
                int row = base + y * w;
                System.arraycopy(in, row, padded, rx, w);
                for (int i = 0; i < rx; i++) {
                    padded[rx - 1 - i] = in[row + reflect(-1 - i, w)];
                    padded[rx + w + i] = in[row + reflect(w + i, w)];
                }
                convolveRow(padded, horizontalTaps, kernelX, horizontal, y * w, w);
            }
            for (int y = 0; y < h; y++) { // vertical pass: tap t reads row y + t − ry, reflected
                for (int t = 0; t < ky; t++) {
                    verticalTaps[t] = rowOf[y + t] * w;
                }
                convolveRow(horizontal, verticalTaps, kernelY, out, base + y * w, w);
            }
        }
        return Image.wrapChw(img.channels(), w, h, out);
    }

    private static void convolveRow(float[] src, int[] tapStart, float[] kernel, float[] out, int o, int w) {
        int done = ColorOps.VECTOR_API ? BlurVector.convolveRow(src, tapStart, kernel, out, o, w) : 0;
        convolveRowScalar(src, tapStart, kernel, out, o, w, done);
    }

    /**
     * The scalar reference: out[o + x] = Σₜ kernel[t]·src[tapStart[t] + x] for x in [from, w), summed
     * from t = 0 up, as the Vector API form sums, so that both give the same floats.
     */
    static void convolveRowScalar(float[] src, int[] tapStart, float[] kernel, float[] out, int o, int w, int from) {
        for (int x = from; x < w; x++) {
            float acc = kernel[0] * src[tapStart[0] + x];
            for (int t = 1; t < kernel.length; t++) {
                acc += kernel[t] * src[tapStart[t] + x];
            }
            out[o + x] = acc;
        }
    }

    /** Mirror index without repeating the edge: −1 → 1, n → n − 2 (folded again if still outside). */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }
}
