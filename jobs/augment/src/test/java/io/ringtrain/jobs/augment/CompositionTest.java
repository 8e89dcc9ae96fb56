package io.ringtrain.jobs.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.geometric.Interpolation;
import io.ringtrain.jobs.augment.geometric.RandomCrop;
import io.ringtrain.jobs.augment.geometric.Resize;
import io.ringtrain.jobs.augment.pixel.ColorAdjust;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompositionTest {
    private static final Sample GREY = Sample.of(Image.filled(1, 40, 30, 100));

    @Test
    void composeDrawsEachStepForTheSizeThePreviousStepsProduce() {
        // the crop must draw inside the 20×10 resize output, not the 40×30 input
        Compose c = Compose.of(Resize.to(20, 10, Interpolation.BILINEAR), new RandomCrop(20, 10));
        for (int seed = 0; seed < 20; seed++) {
            Sample out = c.apply(GREY, new SplittableRandom(seed));
            assertEquals(new ImageSize(20, 10), out.size());
        }
    }

    @Test
    void randomApplyAppliesWithProbabilityP() {
        RandomApply brighten = new RandomApply(new ColorAdjust(ColorAdjust.Kind.BRIGHTNESS, 2, 2), 0.3);
        SplittableRandom rng = new SplittableRandom(1);
        int applied = 0;
        for (int i = 0; i < 10_000; i++) {
            if (brighten.apply(GREY, rng).image().get(0, 0, 0) == 200) {
                applied++;
            }
        }
        // binomial(10 000, 0.3): σ ≈ 46; allow 4σ
        assertTrue(Math.abs(applied - 3000) < 184, "applied " + applied + " of 10000 at p = 0.3");
    }

    @Test
    void oneOfPicksExactlyOneByWeight() {
        OneOf oneOf = new OneOf(List.of(new ColorAdjust(ColorAdjust.Kind.BRIGHTNESS, 2, 2), new ColorAdjust(ColorAdjust.Kind.BRIGHTNESS, 0.5, 0.5)),
                new double[] {3, 1});
        SplittableRandom rng = new SplittableRandom(2);
        int first = 0;
        for (int i = 0; i < 10_000; i++) {
            float v = oneOf.apply(GREY, rng).image().get(0, 0, 0);
            assertTrue(v == 200 || v == 50, "exactly one applied, got " + v);
            if (v == 200) {
                first++;
            }
        }
        // expected 7 500, σ ≈ 43
        assertTrue(Math.abs(first - 7500) < 175, "weight 3:1 picked the first " + first + " times");
    }

    @Test
    void randomOrderVisitsEveryPermutation() {
        RandomOrder order = new RandomOrder(List.of(new ColorAdjust(ColorAdjust.Kind.BRIGHTNESS, 2, 2),
                new ColorAdjust(ColorAdjust.Kind.CONTRAST, 0, 0), new ColorAdjust(ColorAdjust.Kind.BRIGHTNESS, 0.5, 0.5)));
        SplittableRandom rng = new SplittableRandom(3);
        Set<String> orders = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            RandomOrder.Drawn d = order.draw(rng, GREY.size());
            orders.add(java.util.Arrays.toString(d.order()));
        }
        assertEquals(6, orders.size(), "3 transforms have 6 orders: " + orders);
    }

    @Test
    void probabilityOutsideZeroToOneIsRejectedNamingTheTransform() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandomApply(new ColorAdjust(ColorAdjust.Kind.HUE, 0, 0.1), 1.5));
        assertTrue(e.getMessage().contains("hue") && e.getMessage().contains("p"), e.getMessage());
    }
}
