package io.ringtrain.jobs.augment.geometric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
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
}
