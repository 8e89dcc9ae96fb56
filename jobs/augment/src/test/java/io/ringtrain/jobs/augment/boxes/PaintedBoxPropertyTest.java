package io.ringtrain.jobs.augment.boxes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.Transform;
import io.ringtrain.jobs.augment.geometric.HorizontalFlip;
import io.ringtrain.jobs.augment.geometric.Interpolation;
import io.ringtrain.jobs.augment.geometric.Jitter;
import io.ringtrain.jobs.augment.geometric.RandomCrop;
import io.ringtrain.jobs.augment.geometric.RandomResizedCrop;
import io.ringtrain.jobs.augment.geometric.Resize;
import io.ringtrain.jobs.augment.geometric.Rotate;
import io.ringtrain.jobs.augment.geometric.Translate;
import io.ringtrain.jobs.augment.geometric.VerticalFlip;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: paint a box white on black, transform image and box together; the transformed box must
 * still cover every pixel that is at least half painted (value ≥ 128), grown by one output pixel
 * (bilinear sampling spreads an edge over up to one pixel), and it may be dropped only when no such
 * pixel is left. 200 random boxes and parameter draws per transform.
 */
class PaintedBoxPropertyTest {
    static List<Transform<?>> transforms() {
        return List.of(
                new HorizontalFlip(),
                new VerticalFlip(),
                new Rotate(-180, 180, Interpolation.NEAREST, false, 0),
                new Rotate(-180, 180, Interpolation.BILINEAR, true, 0),
                new RandomCrop(30, 25),
                RandomResizedCrop.ofSize(40, 32),
                Resize.to(23, 71, Interpolation.BILINEAR),
                new Translate(0.4, 0.4, 0),
                new Jitter(new double[] {-30, 30}, 0.2, 0.2, new double[] {0.7, 1.3}, new double[] {-15, 15}, new double[] {-10, 10},
                        Interpolation.BILINEAR, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void transformedBoxCoversThePaintedPixels(Transform<?> transform) {
        SplittableRandom rng = new SplittableRandom(2024);
        int w = 48;
        int h = 36;
        for (int trial = 0; trial < 200; trial++) {
            int x0 = rng.nextInt(w - 2);
            int y0 = rng.nextInt(h - 2);
            int x1 = x0 + 1 + rng.nextInt(Math.min(20, w - x0 - 1));
            int y1 = y0 + 1 + rng.nextInt(Math.min(20, h - y0 - 1));
            float[] chw = new float[w * h];
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    chw[y * w + x] = 255;
                }
            }
            Sample in = new Sample(Image.wrapChw(1, w, h, chw),
                    Boxes.of(BoxFormat.PASCAL_VOC, new ImageSize(w, h), new double[][] {{x0, y0, x1, y1}}, new int[] {7}, BoxFilter.KEEP_VISIBLE));
            Sample out = transform.apply(in, rng);

            Image img = out.image();
            boolean anyPainted = false;
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    if (img.get(0, y, x) < 128) {
                        continue;
                    }
                    anyPainted = true;
                    String where = transform.name() + " trial " + trial + ": painted pixel (" + x + ", " + y + ") of box "
                            + java.util.Arrays.toString(new int[] {x0, y0, x1, y1}) + " -> " + out.boxes();
                    assertEquals(1, out.boxes().count(), where + " but the box was dropped");
                    double[] b = out.boxes().voc(0);
                    assertTrue(x + 0.5 >= b[0] - 1 && x + 0.5 <= b[2] + 1 && y + 0.5 >= b[1] - 1 && y + 0.5 <= b[3] + 1, where);
                }
            }
            if (!anyPainted && out.boxes().count() == 1) {
                double[] b = out.boxes().voc(0);
                assertTrue((b[2] - b[0]) * (b[3] - b[1]) <= 4 * Math.max(b[2] - b[0], b[3] - b[1]) + 4,
                        transform.name() + " trial " + trial + ": a box with nothing painted left should be a sliver, got " + out.boxes());
            }
        }
    }
}
