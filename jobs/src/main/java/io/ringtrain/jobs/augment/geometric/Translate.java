package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.ImageSize;
import io.ringtrain.jobs.augment.Params;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shifts the picture by whole pixels dx ∈ round(U(−maxFractionX·w, maxFractionX·w)) and likewise dy
 * (torchvision {@code RandomAffine(translate=...)}'s draw); uncovered pixels get {@code fill}. A
 * whole-pixel shift needs no resampling, so it is an exact copy.
 */
public final class Translate implements Transform<Translate.Shift> {
    public record Shift(int dx, int dy) implements Params {
    }

    private final double maxFractionX;
    private final double maxFractionY;
    private final float fill;

    public Translate(double maxFractionX, double maxFractionY, float fill) {
        if (!(maxFractionX >= 0 && maxFractionX <= 1 && maxFractionY >= 0 && maxFractionY <= 1)) {
            throw new IllegalArgumentException("translate: max fractions must be in [0, 1], got [" + maxFractionX + ", " + maxFractionY + "]");
        }
        this.maxFractionX = maxFractionX;
        this.maxFractionY = maxFractionY;
        this.fill = fill;
    }

    @Override
    public String name() {
        return "translate";
    }

    @Override
    public Shift draw(SplittableRandom rng, ImageSize input) {
        double maxDx = maxFractionX * input.width();
        double maxDy = maxFractionY * input.height();
        int dx = (int) Math.rint(SampleRandom.uniform(rng, -maxDx, maxDx));
        int dy = (int) Math.rint(SampleRandom.uniform(rng, -maxDy, maxDy));
        return new Shift(dx, dy);
    }

    @Override
    public Sample apply(Shift p, Sample sample) {
        Image img = sample.image();
        int w = img.width();
        int h = img.height();
        float[] in = img.data();
        float[] out = new float[in.length];
        Arrays.fill(out, fill);
        int x0 = Math.max(0, p.dx());
        int x1 = Math.min(w, w + p.dx());
        for (int c = 0; c < img.channels(); c++) {
            int plane = c * w * h;
            for (int y = Math.max(0, p.dy()); y < Math.min(h, h + p.dy()); y++) {
                if (x1 > x0) {
                    System.arraycopy(in, plane + (y - p.dy()) * w + x0 - p.dx(), out, plane + y * w + x0, x1 - x0);
                }
            }
        }
        return new Sample(Image.wrapChw(img.channels(), w, h, out), sample.boxes().mapAxisAligned(1, p.dx(), 1, p.dy(), img.size()));
    }
}
