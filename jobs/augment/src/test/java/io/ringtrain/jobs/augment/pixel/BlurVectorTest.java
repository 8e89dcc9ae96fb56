package io.ringtrain.jobs.augment.pixel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector row convolution against the scalar reference (exact: the same products summed in the same order). */
class BlurVectorTest {
    @Test
    void vectorConvolutionMatchesTheScalarReference() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int taps : new int[] {1, 3, 7, 13}) {
            float[] kernel = GaussianBlur.kernel1d(taps, 0.3 + taps / 4.0);
            for (int w = 1; w <= 70; w++) {
                float[] src = new float[4 * w + taps];
                for (int i = 0; i < src.length; i++) {
                    src[i] = (float) (rng.nextDouble() * 255);
                }
                int[] tapStart = new int[taps];
                for (int t = 0; t < taps; t++) {
                    tapStart[t] = rng.nextInt(3 * w) + t; // arbitrary rows, as the reflected vertical taps are
                }
                float[] vector = new float[3 * w];
                float[] scalar = new float[3 * w];
                int done = BlurVector.convolveRow(src, tapStart, kernel, vector, w, w); // the middle row
                GaussianBlur.convolveRowScalar(src, tapStart, kernel, vector, w, w, done);
                GaussianBlur.convolveRowScalar(src, tapStart, kernel, scalar, w, w, 0);
                assertArrayEquals(scalar, vector, 0f, "taps " + taps + ", width " + w);
            }
        }
    }
}
