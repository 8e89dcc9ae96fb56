package io.ringtrain.jobs.augment.pixel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API colour kernels against their scalar references. HSV: the same float operations in the same
 * order, so they agree to 1e-3 grey levels (only the hsv→rgb wrap comparisons on values within an ulp
 * of a sector edge could differ, which moves the output by an ulp as the function is continuous).
 */
class HsvVectorTest {
    @Test
    void vectorKernelMatchesTheScalarReference() {
        assertTrue(Hsv.VECTOR_API, "surefire runs with --add-modules jdk.incubator.vector");
        int plane = 1000 + 3; // not a multiple of the vector length
        SplittableRandom rng = new SplittableRandom(12);
        float[] in = new float[3 * plane];
        for (int i = 0; i < in.length; i++) {
            in[i] = i % 97 == 0 ? 0 : rng.nextInt(256); // include greys and zeros
        }
        for (int i = 0; i < 50; i++) { // some exact greys (r = g = b)
            in[plane + i] = in[i];
            in[2 * plane + i] = in[i];
        }
        float[][] settings = {{0.3f, 0, 1, 0, 1}, {-0.45f, 0, 1, 0, 1}, {0.1f, 0.2f, 1, -0.3f, 1}, {-0.9f, -0.5f, 1, 0.5f, 1}};
        for (float[] p : settings) {
            boolean onlyHue = p[1] == 0 && p[3] == 0;
            float[] vector = new float[in.length];
            float[] scalar = new float[in.length];
            int done = HsvVector.shift(in, vector, plane, p[0], p[1], p[2], p[3], p[4], onlyHue);
            Hsv.shiftScalar(in, vector, done, plane, plane, p[0], p[1], p[2], p[3], p[4], onlyHue);
            Hsv.shiftScalar(in, scalar, 0, plane, plane, p[0], p[1], p[2], p[3], p[4], onlyHue);
            for (int i = 0; i < in.length; i++) {
                assertEquals(scalar[i], vector[i], 1e-3, "value " + i + " with hue shift " + p[0]);
            }
        }
    }

    @Test
    void saturationVectorKernelMatchesTheScalarReference() {
        int plane = 517;
        SplittableRandom rng = new SplittableRandom(13);
        float[] in = new float[3 * plane];
        for (int i = 0; i < in.length; i++) {
            in[i] = rng.nextInt(256);
        }
        for (float f : new float[] {0f, 0.4f, 1.7f}) {
            float[] vector = new float[in.length];
            float[] scalar = new float[in.length];
            int done = SaturationVector.saturation(in, vector, plane, f);
            ColorOps.saturationScalar(in, vector, done, plane, plane, f);
            ColorOps.saturationScalar(in, scalar, 0, plane, plane, f);
            // same expression; only the summation of the grey term may round differently (FMA-free on both sides)
            org.junit.jupiter.api.Assertions.assertArrayEquals(scalar, vector, 1e-3f, "factor " + f);
        }
    }
}
