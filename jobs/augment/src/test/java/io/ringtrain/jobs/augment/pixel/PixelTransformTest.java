package io.ringtrain.jobs.augment.pixel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PixelTransformTest {
    private static Image randomRgb(int w, int h, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = rng.nextInt(256);
        }
        return Image.wrapChw(3, w, h, chw);
    }

    @Test
    void colorJitterEqualsItsAdjustmentsAppliedOneByOneInTheDrawnOrder() {
        Image img = randomRgb(23, 17, 8);
        ColorJitter jitter = new ColorJitter(0.5, 0.5, 0.5, 0.2);
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 10; trial++) {
            ColorJitter.Drawn d = jitter.draw(rng, img.size());
            Image expected = img;
            for (int step : d.order()) {
                expected = switch (step) {
                    case 0 -> ColorOps.brightness(expected, d.brightness());
                    case 1 -> ColorOps.contrast(expected, d.contrast());
                    case 2 -> ColorOps.saturation(expected, d.saturation());
                    default -> ColorOps.hue(expected, d.hue());
                };
            }
            assertArrayEquals(expected.data(), jitter.apply(d, Sample.of(img)).image().data(), 0f, d.toString());
        }
    }

    @Test
    void saltAndPepperHitsAboutAmountOfPixelsWithTheGivenSaltRatio() {
        Image grey = Image.filled(3, 100, 100, 128);
        Image out = new SaltAndPepper(0.1, 0.25).apply(new SaltAndPepper.Drawn(9), Sample.of(grey)).image();
        int salt = 0;
        int pepper = 0;
        for (int i = 0; i < 10_000; i++) {
            float r = out.data()[i];
            assertEquals(r, out.data()[10_000 + i], "a hit pixel is white or black in every channel");
            salt += r == 255 ? 1 : 0;
            pepper += r == 0 ? 1 : 0;
        }
        // binomial(10 000, 0.1): 1 000 ± 4σ (σ = 30); salt share 0.25 of those
        assertTrue(Math.abs(salt + pepper - 1000) < 120, "hits " + (salt + pepper));
        assertTrue(Math.abs(salt - 250) < 70, "salt " + salt);
    }

    @Test
    void gaussianNoiseHasTheRequestedMeanAndSigma() {
        Image grey = Image.filled(1, 200, 200, 100);
        Image out = new GaussianNoise(5, 10, 10, true).apply(new GaussianNoise.Drawn(10, 1), Sample.of(grey)).image();
        double sum = 0;
        double sq = 0;
        for (float v : out.data()) {
            sum += v - 100;
            sq += (v - 100) * (v - 100);
        }
        double mean = sum / 40_000;
        double sd = Math.sqrt(sq / 40_000 - mean * mean);
        // standard error of the mean 10/200 = 0.05; of σ ≈ 0.035: tolerances ≥ 5 standard errors
        assertEquals(5, mean, 0.25);
        assertEquals(10, sd, 0.2);
    }

    @Test
    void inverseNormalCdfGivesKnownQuantiles() {
        // Φ⁻¹ of 0.5, 0.975 and 0.001 (tables: 0, 1.959964, −3.090232); Acklam's error is < 1.2e-9 relative
        assertEquals(0, GaussianNoise.inverseNormalCdf(0.5), 1e-12);
        assertEquals(1.959964, GaussianNoise.inverseNormalCdf(0.975), 1e-6);
        assertEquals(-3.090232, GaussianNoise.inverseNormalCdf(0.001), 1e-6);
    }

    @Test
    void gaussianNoiseIsClippedTo0To255() {
        Image out = new GaussianNoise(0, 50, 50, true).apply(new GaussianNoise.Drawn(50, 2), Sample.of(Image.filled(1, 50, 50, 250))).image();
        for (float v : out.data()) {
            assertTrue(v >= 0 && v <= 255, "value " + v);
        }
    }

    @Test
    void grayWorldEqualisesTheChannelMeans() {
        Image img = randomRgb(40, 30, 3);
        float[] tinted = img.data().clone();
        for (int i = 0; i < 1200; i++) {
            tinted[i] *= 0.5f; // weak red: mean ≈ 64 against ≈ 128
        }
        Image out = new GrayWorldWhiteBalance().apply(Params.None.INSTANCE, Sample.of(Image.wrapChw(3, 40, 30, tinted))).image();
        double[] means = new double[3];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 1200; i++) {
                means[c] += out.data()[c * 1200 + i] / 1200;
            }
        }
        // no clipping happens here (gains ≈ 1.5 on values ≤ 127.5 and ≈ 0.75), so the means meet exactly
        assertEquals(means[0], means[1], 1e-3);
        assertEquals(means[1], means[2], 1e-3);
    }

    @Test
    void normaliseUsesTorchvisionsZeroToOneScale() {
        Image out = new Normalize(new double[] {0.5, 0.25, 0}, new double[] {0.5, 0.25, 1}).apply(Params.None.INSTANCE,
                Sample.of(Image.filled(3, 2, 1, 255))).image();
        assertArrayEquals(new float[] {1, 1, 3, 3, 1, 1}, out.data(), 1e-6f);
    }

    @Test
    void luminanceEqualisationSpreadsALowContrastImageAndKeepsItsChroma() {
        int n = 64 * 64; // large enough that the LUT step ⌊(n − last bin)/255⌋ is not 0
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            chw[i] = 100 + (i % 16); // red 100..115
            chw[n + i] = 90 + (i % 16); // green 10 below red
            chw[2 * n + i] = 80 + (i % 16);
        }
        Image out = Equalize.equalize(Image.wrapChw(3, 64, 64, chw), Equalize.Mode.LUMINANCE);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        int unclipped = 0;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, out.data()[n + i]);
            max = Math.max(max, out.data()[n + i]);
            if (out.data()[2 * n + i] > 0 && out.data()[i] < 255) {
                unclipped++;
                assertEquals(10, out.data()[i] - out.data()[n + i], 1e-4, "red − green (chroma) is kept at pixel " + i);
            }
        }
        assertTrue(unclipped > n / 2, "most pixels are not clipped: " + unclipped);
        assertTrue(max - min > 150, "green spans " + min + ".." + max + " after equalisation, 15 before");
    }

    @Test
    void hsvJitterWithZeroShiftIsTheIdentityUpToRounding() {
        Image img = randomRgb(20, 20, 4);
        Image out = new HsvJitter(0, 0, 0).apply(new HsvJitter.Shift(0, 0, 0), Sample.of(img)).image();
        assertArrayEquals(img.data(), out.data(), 1e-3f);
    }

    @Test
    void hsvJitterValueShiftBrightensGrey() {
        Image out = new HsvJitter(0, 0, 0.2).apply(new HsvJitter.Shift(0, 0, 0.2), Sample.of(Image.filled(3, 2, 2, 51))).image();
        assertEquals(102, out.data()[0], 1e-3, "v 0.2 + 0.2 = 0.4 → 102");
    }

    @Test
    void blurKernelSizeFromSigmaCoversThreeSigma() {
        assertEquals(7, GaussianBlur.kernelSizeFor(1.0));
        assertEquals(9, GaussianBlur.kernelSizeFor(1.2));
        assertEquals(3, GaussianBlur.kernelSizeFor(0.1));
        float[] k = GaussianBlur.kernel1d(7, 1.0);
        double sum = 0;
        for (float v : k) {
            sum += v;
        }
        assertEquals(1, sum, 1e-6);
        assertEquals(k[0], k[6], 0);
    }

    @Test
    void blurKeepsAConstantImageConstant() {
        Image out = new GaussianBlur(0, 3, 3).apply(new GaussianBlur.Sigma(3), Sample.of(Image.filled(3, 5, 4, 77))).image();
        for (float v : out.data()) {
            assertEquals(77, v, 1e-3, "reflect padding of a constant image is constant, even when the kernel (19) exceeds the image");
        }
    }

    @Test
    void invalidParametersNameTransformAndParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(0, -1, 1)).getMessage().contains("gaussian_blur: sigma"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(0, -2, 1, true)).getMessage().contains("gaussian_noise: sigma"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ColorJitter(-0.1, 0, 0, 0)).getMessage().contains("color_jitter: brightness"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ColorJitter(0, 0, 0, 0.7)).getMessage().contains("color_jitter: hue"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ColorAdjust(ColorAdjust.Kind.CONTRAST, -1, 1)).getMessage().contains("contrast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HsvJitter(200, 0, 0)).getMessage().contains("hsv_jitter: hue"));
    }

    @Test
    void uint8RoundTripIsExact() {
        byte[] hwc = new byte[3 * 6 * 5];
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = (byte) (i * 37);
        }
        Image img = Image.fromHwcBytes(hwc, 6, 5, 3);
        assertArrayEquals(hwc, img.toHwcBytes());
        assertEquals(hwc[3 * (2 * 6 + 4) + 1] & 0xFF, img.get(1, 2, 4), "channel 1 of pixel (x 4, y 2)");
    }
}
