package io.ringtrain.jobs.augment.boxes;

/**
 * When a box that a geometric transform pushed partly out of the image is dropped.
 *
 * <p>After each geometric step the box is clipped to the image. Its <em>step visibility</em> is
 * (clipped area) / (area before clipping, in that step's output coordinates). Its <em>cumulative
 * visibility</em> is the product of the step visibilities since the sample was created, i.e. the
 * fraction of the original object that is still in the picture when transforms only scale areas
 * uniformly (as crops, flips, resizes and similarity transforms do).
 *
 * <p>albumentations compares per step (a box cut a little by each of several crops survives); the
 * default here is {@link Mode#CUMULATIVE}, which does not let a box fade away step by step. A box is
 * kept when its visibility (per {@code mode}) ≥ {@code minVisibility} and its clipped area ≥
 * {@code minArea} pixels; boxes whose clipped width or height is 0 are always dropped.
 */
public record BoxFilter(double minVisibility, double minArea, Mode mode) implements java.io.Serializable {
    public enum Mode { PER_STEP, CUMULATIVE }

    /** Keep every box that still has a visible part. */
    public static final BoxFilter KEEP_VISIBLE = new BoxFilter(0, 0, Mode.CUMULATIVE);

    public BoxFilter {
        if (!(minVisibility >= 0 && minVisibility <= 1)) {
            throw new IllegalArgumentException("BoxFilter: min_visibility must be in [0, 1], got " + minVisibility);
        }
        if (!(minArea >= 0)) {
            throw new IllegalArgumentException("BoxFilter: min_area must be >= 0 pixels, got " + minArea);
        }
        if (mode == null) {
            throw new IllegalArgumentException("BoxFilter: mode must be PER_STEP or CUMULATIVE");
        }
    }
}
