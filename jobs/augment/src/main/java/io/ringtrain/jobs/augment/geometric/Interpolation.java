package io.ringtrain.jobs.augment.geometric;

/** How a geometric transform reads the input between pixel centres. */
public enum Interpolation {
    /**
     * The nearest input pixel. For warps (rotate, affine) the sampling position is rounded half to even,
     * as {@code grid_sample(mode="nearest")} does; for resizes the index is floor(dst·in/out), as
     * {@code interpolate(mode="nearest")} does.
     */
    NEAREST,
    /** Bilinear between the four surrounding pixel centres (PyTorch, align_corners=False; no antialiasing). */
    BILINEAR;

    public static Interpolation parse(String name) {
        for (Interpolation i : values()) {
            if (i.name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown interpolation '" + name + "': use nearest or bilinear");
    }
}
