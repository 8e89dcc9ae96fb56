package io.ringtrain.jobs.augment.geometric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeometricTransformTest {
    private static Image ramp(int w, int h) {
        float[] chw = new float[w * h];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = i % 251;
        }
        return Image.wrapChw(1, w, h, chw);
    }

    @Test
    void randomResizedCropWindowsFitAndRespectScaleAndRatio() {
        RandomResizedCrop rrc = new RandomResizedCrop(32, 32, 0.2, 0.6, 0.5, 2.0, Interpolation.BILINEAR);
        ImageSize size = new ImageSize(200, 150);
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++) {
            CropWindow w = rrc.draw(rng, size);
            assertTrue(w.left() >= 0 && w.top() >= 0 && w.left() + w.width() <= 200 && w.top() + w.height() <= 150, w.toString());
            double area = (double) w.width() * w.height() / size.area();
            double ratio = (double) w.width() / w.height();
            // w and h are rounded to whole pixels: allow 2% slack on area and ratio
            assertTrue(area >= 0.2 * 0.98 && area <= 0.6 * 1.02, "area fraction " + area);
            assertTrue(ratio >= 0.5 * 0.98 && ratio <= 2.0 * 1.02, "ratio " + ratio);
        }
    }

    @Test
    void randomResizedCropFallsBackToTheLargestCentredWindowWithAClampedRatio() {
        // a 100×10 strip cannot hold any window of ratio ≤ 2 and area ≥ 90%: fallback is 20×10, centred
        RandomResizedCrop rrc = new RandomResizedCrop(8, 8, 0.9, 1.0, 0.5, 2.0, Interpolation.BILINEAR);
        assertEquals(new CropWindow(40, 0, 20, 10), rrc.draw(new SplittableRandom(1), new ImageSize(100, 10)));
    }

    @Test
    void randomCropStaysInsideAndCopiesPixelsExactly() {
        Image img = ramp(30, 20);
        RandomCrop crop = new RandomCrop(10, 5);
        SplittableRandom rng = new SplittableRandom(6);
        for (int i = 0; i < 50; i++) {
            CropWindow w = crop.draw(rng, img.size());
            Image out = crop.apply(w, Sample.of(img)).image();
            assertEquals(img.get(0, w.top() + 4, w.left() + 9), out.get(0, 4, 9));
        }
    }

    @Test
    void resizeToShorterSideKeepsTheAspectRatioLikeTorchvision() {
        assertEquals(new ImageSize(10, 15), Resize.shorterSide(10, Interpolation.BILINEAR).outputSize(null, new ImageSize(20, 31)));
        assertEquals(new ImageSize(16, 10), Resize.shorterSide(10, Interpolation.BILINEAR).outputSize(null, new ImageSize(33, 20)));
    }

    @Test
    void translateIsAnExactShiftWithFill() {
        Image img = ramp(8, 6);
        Image out = new Translate(0.5, 0.5, 9).apply(new Translate.Shift(2, -1), Sample.of(img)).image();
        assertEquals(img.get(0, 3, 1), out.get(0, 2, 3));
        assertEquals(9, out.get(0, 0, 0), "uncovered pixels get the fill");
        assertEquals(9, out.get(0, 5, 4), "the bottom row is uncovered after shifting up");
    }

    @Test
    void zeroRotationAndIdentityAffineLeaveTheImageUnchanged() {
        Image img = ramp(9, 7);
        assertArrayEquals(img.data(), Rotate.rotate(img, 0, Interpolation.BILINEAR, false, 0).data(), 1e-4f);
        assertArrayEquals(img.data(), Jitter.affine(img, 0, 0, 0, 1, 0, 0, Interpolation.NEAREST, 0).data(), 0f);
    }

    @Test
    void fourQuarterTurnsGiveBackTheImage() {
        Image img = ramp(9, 7);
        Image turned = img;
        for (int i = 0; i < 4; i++) {
            turned = Rotate.rotate(turned, 90, Interpolation.NEAREST, true, 0);
        }
        assertEquals(img.size(), turned.size());
        assertArrayEquals(img.data(), turned.data(), 0f);
    }

    @Test
    void jitterRejectsNonPositiveScaleNamingIt() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Jitter(new double[] {0, 0}, 0, 0, new double[] {0, 1}, new double[] {0, 0}, new double[] {0, 0}, Interpolation.BILINEAR, 0));
        assertTrue(e.getMessage().contains("jitter: scale"), e.getMessage());
    }

    /** The same random grey levels twice: as a uint8 image (as decoded data arrives) and as a float image. */
    private static Image[] uint8AndFloat(int channels, int w, int h) {
        byte[] hwc = new byte[channels * w * h];
        new java.util.Random(3).nextBytes(hwc);
        Image uint8 = Image.fromHwcBytes(hwc, w, h, channels);
        return new Image[] {uint8, Image.fromChw(channels, w, h, uint8.data().clone())};
    }

    @Test
    void pixelMovingTransformsGiveAUint8ImageTheSameValuesAsAFloatImageAndKeepItUint8() {
        // widths around the eight-byte steps of the uint8 horizontal flip
        for (int w : new int[] {1, 7, 8, 9, 21, 224}) {
            Image[] pair = uint8AndFloat(3, w, 11);
            Image uint8 = Image.fromHwcBytes(pair[0].toHwcBytes(), w, 11, 3);
            assertTrue(uint8.uint8() != null && pair[1].uint8() == null);
            java.util.List<io.ringtrain.jobs.augment.Transform<?>> moves = java.util.List.of(new HorizontalFlip(), new VerticalFlip(),
                    new RandomCrop(Math.max(1, w / 2), 5), new Translate(0.5, 0.5, 0), new Translate(1, 1, 255));
            for (io.ringtrain.jobs.augment.Transform<?> t : moves) {
                for (long seed = 0; seed < 20; seed++) {
                    Image fromUint8 = t.apply(Sample.of(uint8), new SplittableRandom(seed)).image();
                    Image fromFloat = t.apply(Sample.of(pair[1]), new SplittableRandom(seed)).image();
                    assertTrue(fromUint8.uint8() != null, t.name() + " made a float image from a uint8 one");
                    assertArrayEquals(fromFloat.data(), fromUint8.data(), t.name() + " width " + w + " seed " + seed);
                }
            }
        }
    }

    @Test
    void translateWithAFillThatIsNoGreyLevelGivesAFloatImageWithThatFill() {
        Image[] pair = uint8AndFloat(1, 9, 7);
        Translate t = new Translate(0, 0, 0.5f);
        Image out = t.apply(new Translate.Shift(2, -3), Sample.of(pair[0])).image();
        assertEquals(null, out.uint8());
        assertArrayEquals(t.apply(new Translate.Shift(2, -3), Sample.of(pair[1])).image().data(), out.data());
        assertEquals(0.5f, out.get(0, 0, 1));
        assertEquals(0.5f, out.get(0, 6, 5));
        assertEquals(pair[0].get(0, 3, 0), out.get(0, 0, 2));
    }

    @Test
    void aUint8ImageConvertsBackToTheSameHwcBytes() {
        byte[] hwc = new byte[3 * 5 * 4];
        new java.util.Random(9).nextBytes(hwc);
        Image img = Image.fromHwcBytes(hwc, 5, 4, 3);
        assertArrayEquals(hwc, img.toHwcBytes());
        assertEquals(hwc[(2 * 5 + 3) * 3 + 1] & 0xFF, img.get(1, 2, 3));
        assertEquals(hwc[(2 * 5 + 3) * 3 + 1] & 0xFF, img.data()[(4 + 2) * 5 + 3]);
    }

    @Test
    void bilinearResizeGivesPyTorchsPerPixelFormulaExactlyWhenShrinkingAndEnlarging() {
        Image img = ramp(37, 29);
        for (int[] size : new int[][] {{20, 13}, {60, 50}, {37, 10}}) {
            int outW = size[0];
            int outH = size[1];
            Image out = Resize.to(outW, outH, Interpolation.BILINEAR).apply(Params.None.INSTANCE, Sample.of(img)).image();
            float scaleX = 37f / outW;
            float scaleY = 29f / outH;
            for (int y = 0; y < outH; y++) {
                float sy = Math.max(0, scaleY * (y + 0.5f) - 0.5f);
                int y0 = (int) sy;
                int y1 = Math.min(y0 + 1, 28);
                float h1 = sy - y0;
                for (int x = 0; x < outW; x++) {
                    float sx = Math.max(0, scaleX * (x + 0.5f) - 0.5f);
                    int x0 = (int) sx;
                    int x1 = Math.min(x0 + 1, 36);
                    float w1 = sx - x0;
                    float w0 = 1 - w1;
                    // upsample_bilinear2d: h0·(w0·a + w1·b) + h1·(w0·c + w1·d)
                    float expected = (1 - h1) * (w0 * img.get(0, y0, x0) + w1 * img.get(0, y0, x1))
                            + h1 * (w0 * img.get(0, y1, x0) + w1 * img.get(0, y1, x1));
                    assertEquals(expected, out.get(0, y, x), outW + "x" + outH + " at (" + x + ", " + y + ")");
                }
            }
        }
    }
}
