package io.ringtrain.jobs.augment.boxes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.geometric.CropWindow;
import io.ringtrain.jobs.augment.geometric.HorizontalFlip;
import io.ringtrain.jobs.augment.geometric.Interpolation;
import io.ringtrain.jobs.augment.geometric.Jitter;
import io.ringtrain.jobs.augment.geometric.RandomCrop;
import io.ringtrain.jobs.augment.geometric.RandomResizedCrop;
import io.ringtrain.jobs.augment.geometric.Resize;
import io.ringtrain.jobs.augment.geometric.Rotate;
import io.ringtrain.jobs.augment.geometric.Translate;
import io.ringtrain.jobs.augment.geometric.VerticalFlip;
import io.ringtrain.jobs.augment.pixel.ColorJitter;
import io.ringtrain.jobs.augment.pixel.GaussianBlur;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Geometric transforms on known boxes; coordinates are exact up to 1e-9 (double arithmetic on small integers). */
class BoxMappingTest {
    private static final double EPS = 1e-9;
    private static final ImageSize SIZE = new ImageSize(100, 60);

    private static Sample sample(BoxFilter filter, double[]... voc) {
        int[] labels = new int[voc.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = 10 + i;
        }
        return new Sample(Image.filled(3, SIZE.width(), SIZE.height(), 0),
                Boxes.of(BoxFormat.PASCAL_VOC, SIZE, voc, labels, filter));
    }

    @Test
    void formatsConvertToAndFromPascalVoc() {
        double[] voc = {10, 20, 30, 50};
        Boxes fromCoco = Boxes.of(BoxFormat.COCO, SIZE, new double[][] {{10, 20, 20, 30}}, new int[] {1}, BoxFilter.KEEP_VISIBLE);
        Boxes fromYolo = Boxes.of(BoxFormat.YOLO, SIZE, new double[][] {{0.2, 35.0 / 60, 0.2, 0.5}}, new int[] {1}, BoxFilter.KEEP_VISIBLE);
        assertArrayEquals(voc, fromCoco.voc(0), EPS);
        assertArrayEquals(voc, fromYolo.voc(0), EPS);
        assertArrayEquals(new double[] {10, 20, 20, 30}, fromYolo.get(0, BoxFormat.COCO, SIZE), EPS);
        assertArrayEquals(new double[] {0.2, 35.0 / 60, 0.2, 0.5}, fromCoco.get(0, BoxFormat.YOLO, SIZE), EPS);
    }

    @Test
    void boxesGivenPartlyOutsideAreClippedOnCreation() {
        Boxes b = sample(BoxFilter.KEEP_VISIBLE, new double[] {-10, -5, 20, 10}).boxes();
        assertArrayEquals(new double[] {0, 0, 20, 10}, b.voc(0), EPS);
        assertEquals(1.0, b.visibility(0), EPS, "clipping the input is not an augmentation");
    }

    @Test
    void horizontalFlipMirrorsXAndKeepsLabels() {
        Sample out = new HorizontalFlip().apply(sample(BoxFilter.KEEP_VISIBLE, new double[] {10, 20, 30, 50}, new double[] {0, 0, 100, 60}), new SplittableRandom(1));
        assertArrayEquals(new double[] {70, 20, 90, 50}, out.boxes().voc(0), EPS);
        assertArrayEquals(new double[] {0, 0, 100, 60}, out.boxes().voc(1), EPS);
        assertEquals(10, out.boxes().label(0));
        assertEquals(11, out.boxes().label(1));
    }

    @Test
    void verticalFlipMirrorsY() {
        Sample out = new VerticalFlip().apply(sample(BoxFilter.KEEP_VISIBLE, new double[] {10, 20, 30, 50}), new SplittableRandom(1));
        assertArrayEquals(new double[] {10, 10, 30, 40}, out.boxes().voc(0), EPS);
    }

    @Test
    void rotateByNinetyWithExpandSwapsTheAxes() {
        // counter-clockwise by 90°: input (x, y) goes to (y, W − x) in the 60×100 output
        Sample out = new Rotate(90, 90, Interpolation.NEAREST, true, 0).apply(sample(BoxFilter.KEEP_VISIBLE, new double[] {10, 20, 30, 50}), new SplittableRandom(1));
        assertEquals(new ImageSize(60, 100), out.size());
        assertArrayEquals(new double[] {20, 70, 50, 90}, out.boxes().voc(0), 1e-6);
    }

    @Test
    void rotateBy45UsesTheEnclosingRectangleOfTheRotatedCorners() {
        // a 20×20 box centred on the image centre (50, 30): its rotated corners reach 10·√2 from the centre
        Sample out = new Rotate(45, 45, Interpolation.BILINEAR, false, 0).apply(sample(BoxFilter.KEEP_VISIBLE, new double[] {40, 20, 60, 40}), new SplittableRandom(1));
        double r = 10 * Math.sqrt(2);
        assertArrayEquals(new double[] {50 - r, 30 - r, 50 + r, 30 + r}, out.boxes().voc(0), 1e-6);
    }

    @Test
    void cropShiftsBoxesClipsThoseCutAndDropsThoseOutside() {
        Sample in = sample(BoxFilter.KEEP_VISIBLE, new double[] {30, 10, 40, 20}, new double[] {0, 0, 25, 60}, new double[] {80, 40, 95, 55});
        Sample out = new RandomCrop(50, 40).apply(new CropWindow(20, 5, 50, 40), in);
        assertEquals(2, out.boxes().count(), "the box at x 80..95 lies right of the window 20..70");
        assertArrayEquals(new double[] {10, 5, 20, 15}, out.boxes().voc(0), EPS);
        assertArrayEquals(new double[] {0, 0, 5, 40}, out.boxes().voc(1), EPS);
        assertEquals(10, out.boxes().label(0));
        assertEquals(11, out.boxes().label(1));
        assertEquals((5.0 * 40) / (25 * 60), out.boxes().visibility(1), EPS);
    }

    @Test
    void minVisibilityAndMinAreaDropBoxesThatMostlyLeft() {
        BoxFilter filter = new BoxFilter(0.5, 20, BoxFilter.Mode.CUMULATIVE);
        Sample in = sample(filter, new double[] {10, 10, 30, 30}, new double[] {40, 10, 60, 30}, new double[] {45, 40, 49, 44});
        // window x ≥ 25: box 0 keeps 5/20 of its width (drop), box 1 all, box 2 is 4×4 = 16 px < 20 (drop)
        Sample out = new RandomCrop(75, 60).apply(new CropWindow(25, 0, 75, 60), in);
        assertEquals(1, out.boxes().count());
        assertEquals(11, out.boxes().label(0));
    }

    @Test
    void cumulativeVisibilityDropsABoxCutTwiceWherePerStepKeepsIt() {
        double[] box = {0, 0, 40, 10};
        CropWindow firstCut = new CropWindow(10, 0, 90, 60); // keeps 30/40 of the box
        CropWindow secondCut = new CropWindow(10, 0, 80, 60); // keeps 20/30 of what is left: 20/40 overall
        Sample perStep = sample(new BoxFilter(0.6, 0, BoxFilter.Mode.PER_STEP), box);
        Sample cumulative = sample(new BoxFilter(0.6, 0, BoxFilter.Mode.CUMULATIVE), box);
        perStep = new RandomCrop(80, 60).apply(secondCut, new RandomCrop(90, 60).apply(firstCut, perStep));
        cumulative = new RandomCrop(80, 60).apply(secondCut, new RandomCrop(90, 60).apply(firstCut, cumulative));
        assertEquals(1, perStep.boxes().count(), "0.75 then 0.667 are both >= 0.6");
        assertEquals(0, cumulative.boxes().count(), "0.75 · 0.667 = 0.5 < 0.6");
    }

    @Test
    void resizedCropScalesBoxes() {
        Sample in = sample(BoxFilter.KEEP_VISIBLE, new double[] {20, 10, 40, 30});
        Sample out = new RandomResizedCrop(40, 40, 0.08, 1, 0.5, 2, Interpolation.BILINEAR).apply(new CropWindow(10, 0, 50, 50), in);
        assertArrayEquals(new double[] {8, 8, 24, 24}, out.boxes().voc(0), EPS);
        assertEquals(1.0, out.boxes().visibility(0), EPS);
    }

    @Test
    void resizeScalesBoxes() {
        Sample out = Resize.to(50, 120, Interpolation.NEAREST).apply(sample(BoxFilter.KEEP_VISIBLE, new double[] {20, 10, 40, 30}), new SplittableRandom(1));
        assertArrayEquals(new double[] {10, 20, 20, 60}, out.boxes().voc(0), EPS);
    }

    @Test
    void translateShiftsBoxesAndClipsAtTheBorder() {
        Sample out = new Translate(0.5, 0.5, 0).apply(new Translate.Shift(-15, 7), sample(BoxFilter.KEEP_VISIBLE, new double[] {10, 20, 30, 50}));
        assertArrayEquals(new double[] {0, 27, 15, 57}, out.boxes().voc(0), EPS);
    }

    @Test
    void affineWithOnlyTranslationAndScaleMapsCornersExactly() {
        // scale 2 about the centre (50, 30), then shift by (3, −4): x' = 2(x − 50) + 50 + 3
        Jitter jitter = new Jitter(new double[] {0, 0}, 0, 0, new double[] {1, 1}, new double[] {0, 0}, new double[] {0, 0}, Interpolation.BILINEAR, 0);
        Sample out = jitter.apply(new Jitter.Affine(0, 3, -4, 2, 0, 0), sample(BoxFilter.KEEP_VISIBLE, new double[] {40, 20, 55, 35}));
        assertArrayEquals(new double[] {33, 6, 63, 36}, out.boxes().voc(0), 1e-6);
    }

    @Test
    void affineThatPushesABoxOutOfTheImageDropsIt() {
        Jitter jitter = new Jitter(new double[] {0, 0}, 0, 0, new double[] {1, 1}, new double[] {0, 0}, new double[] {0, 0}, Interpolation.BILINEAR, 0);
        Sample out = jitter.apply(new Jitter.Affine(0, 60, 0, 1, 0, 0), sample(BoxFilter.KEEP_VISIBLE, new double[] {50, 20, 60, 30}, new double[] {0, 0, 20, 20}));
        assertEquals(1, out.boxes().count());
        assertEquals(11, out.boxes().label(0));
        assertArrayEquals(new double[] {60, 0, 80, 20}, out.boxes().voc(0), 1e-6);
    }

    @Test
    void pixelTransformsLeaveBoxesUnchanged() {
        Sample in = sample(BoxFilter.KEEP_VISIBLE, new double[] {10, 20, 30, 50});
        Sample jittered = new ColorJitter(0.4, 0.4, 0.4, 0.1).apply(in, new SplittableRandom(3));
        Sample blurred = new GaussianBlur(0, 1, 2).apply(in, new SplittableRandom(3));
        assertTrue(jittered.boxes() == in.boxes() && blurred.boxes() == in.boxes());
    }

    @Test
    void boxesWithoutAreaOrMismatchedLabelsAreRejected() {
        IllegalArgumentException noArea = assertThrows(IllegalArgumentException.class,
                () -> Boxes.of(BoxFormat.PASCAL_VOC, SIZE, new double[][] {{10, 10, 5, 20}}, new int[] {1}, BoxFilter.KEEP_VISIBLE));
        assertTrue(noArea.getMessage().contains("box 0"), noArea.getMessage());
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> Boxes.of(BoxFormat.COCO, SIZE, new double[][] {{10, 10, 5, 20}}, new int[] {1, 2}, BoxFilter.KEEP_VISIBLE));
        assertTrue(labels.getMessage().contains("labels"), labels.getMessage());
    }
}
