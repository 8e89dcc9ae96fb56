package io.ringtrain.jobs.augment.boxes;

import io.ringtrain.jobs.augment.ImageSize;
import java.util.Arrays;

/**
 * An immutable set of labelled axis-aligned boxes belonging to one image, stored as pascal_voc in
 * continuous pixel coordinates (see {@link BoxFormat}), with each box's cumulative visibility and the
 * {@link BoxFilter} that decides when a box is dropped.
 */
public final class Boxes {
    private static final Boxes NONE = new Boxes(new double[0], new int[0], new double[0], BoxFilter.KEEP_VISIBLE);

    private final double[] voc; // 4 per box: xMin, yMin, xMax, yMax
    private final int[] labels;
    private final double[] visibility; // cumulative fraction of each box still visible
    private final BoxFilter filter;

    private Boxes(double[] voc, int[] labels, double[] visibility, BoxFilter filter) {
        this.voc = voc;
        this.labels = labels;
        this.visibility = visibility;
        this.filter = filter;
    }

    public static Boxes none() {
        return NONE;
    }

    /**
     * @param boxes one row of four numbers per box, in {@code format}
     * @param labels one class id per box; it travels with its box through every transform
     */
    public static Boxes of(BoxFormat format, ImageSize size, double[][] boxes, int[] labels, BoxFilter filter) {
        if (boxes.length != labels.length) {
            throw new IllegalArgumentException("Boxes: " + boxes.length + " boxes but " + labels.length + " labels");
        }
        double[] voc = new double[4 * boxes.length];
        for (int i = 0; i < boxes.length; i++) {
            double[] b = boxes[i];
            if (b.length != 4) {
                throw new IllegalArgumentException("Boxes: box " + i + " has " + b.length + " numbers, expected 4 (" + format + ")");
            }
            double[] v = format.toVoc(b[0], b[1], b[2], b[3], size);
            if (!(v[2] > v[0] && v[3] > v[1])) {
                throw new IllegalArgumentException("Boxes: box " + i + " " + Arrays.toString(b) + " (" + format
                        + ") has no area; expected x_max > x_min and y_max > y_min");
            }
            System.arraycopy(v, 0, voc, 4 * i, 4);
        }
        double[] vis = new double[boxes.length];
        Arrays.fill(vis, 1.0);
        // boxes given partly outside the image are clipped now, without counting against visibility
        return new Boxes(voc, labels.clone(), vis, filter).clipAndFilter(voc.clone(), size, false);
    }

    public int count() {
        return labels.length;
    }

    public boolean isEmpty() {
        return labels.length == 0;
    }

    public int label(int i) {
        return labels[i];
    }

    public double visibility(int i) {
        return visibility[i];
    }

    public BoxFilter filter() {
        return filter;
    }

    /** Box i as pascal_voc {xMin, yMin, xMax, yMax}. */
    public double[] voc(int i) {
        return Arrays.copyOfRange(voc, 4 * i, 4 * i + 4);
    }

    public double[] get(int i, BoxFormat format, ImageSize size) {
        return format.fromVoc(voc[4 * i], voc[4 * i + 1], voc[4 * i + 2], voc[4 * i + 3], size);
    }

    /**
     * Maps every box by x' = sx·x + tx, y' = sy·y + ty (flips have a negative scale, crops a negative
     * offset, resizes a positive scale), then clips and filters against the output image.
     */
    public Boxes mapAxisAligned(double sx, double tx, double sy, double ty, ImageSize out) {
        if (isEmpty()) {
            return this;
        }
        double[] mapped = new double[voc.length];
        for (int i = 0; i < voc.length; i += 4) {
            double x0 = sx * voc[i] + tx;
            double x1 = sx * voc[i + 2] + tx;
            double y0 = sy * voc[i + 1] + ty;
            double y1 = sy * voc[i + 3] + ty;
            mapped[i] = Math.min(x0, x1);
            mapped[i + 2] = Math.max(x0, x1);
            mapped[i + 1] = Math.min(y0, y1);
            mapped[i + 3] = Math.max(y0, y1);
        }
        return clipAndFilter(mapped, out, true);
    }

    /**
     * Maps every box through the forward affine map (continuous input coordinates → continuous output
     * coordinates) {@code x' = m[0]x + m[1]y + m[2], y' = m[3]x + m[4]y + m[5]}; the new box is the
     * axis-aligned rectangle enclosing the four mapped corners.
     */
    public Boxes mapAffine(double[] m, ImageSize out) {
        if (isEmpty()) {
            return this;
        }
        double[] mapped = new double[voc.length];
        for (int i = 0; i < voc.length; i += 4) {
            double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
            double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
            for (int corner = 0; corner < 4; corner++) {
                double x = (corner & 1) == 0 ? voc[i] : voc[i + 2];
                double y = (corner & 2) == 0 ? voc[i + 1] : voc[i + 3];
                double xo = m[0] * x + m[1] * y + m[2];
                double yo = m[3] * x + m[4] * y + m[5];
                minX = Math.min(minX, xo);
                maxX = Math.max(maxX, xo);
                minY = Math.min(minY, yo);
                maxY = Math.max(maxY, yo);
            }
            mapped[i] = minX;
            mapped[i + 1] = minY;
            mapped[i + 2] = maxX;
            mapped[i + 3] = maxY;
        }
        return clipAndFilter(mapped, out, true);
    }

    private Boxes clipAndFilter(double[] mapped, ImageSize out, boolean countVisibility) {
        int n = count();
        double[] keptVoc = new double[mapped.length];
        int[] keptLabels = new int[n];
        double[] keptVis = new double[n];
        int kept = 0;
        for (int b = 0; b < n; b++) {
            int i = 4 * b;
            double area = (mapped[i + 2] - mapped[i]) * (mapped[i + 3] - mapped[i + 1]);
            double x0 = clamp(mapped[i], out.width());
            double y0 = clamp(mapped[i + 1], out.height());
            double x1 = clamp(mapped[i + 2], out.width());
            double y1 = clamp(mapped[i + 3], out.height());
            if (!(x1 > x0 && y1 > y0)) {
                continue;
            }
            double clippedArea = (x1 - x0) * (y1 - y0);
            double step = countVisibility && area > 0 ? Math.min(1.0, clippedArea / area) : 1.0;
            double cumulative = visibility[b] * step;
            double judged = filter.mode() == BoxFilter.Mode.CUMULATIVE ? cumulative : step;
            if (judged < filter.minVisibility() || clippedArea < filter.minArea()) {
                continue;
            }
            keptVoc[4 * kept] = x0;
            keptVoc[4 * kept + 1] = y0;
            keptVoc[4 * kept + 2] = x1;
            keptVoc[4 * kept + 3] = y1;
            keptLabels[kept] = labels[b];
            keptVis[kept] = cumulative;
            kept++;
        }
        return new Boxes(Arrays.copyOf(keptVoc, 4 * kept), Arrays.copyOf(keptLabels, kept), Arrays.copyOf(keptVis, kept), filter);
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Boxes[");
        for (int b = 0; b < count(); b++) {
            if (b > 0) {
                s.append(", ");
            }
            s.append(labels[b]).append(':').append(Arrays.toString(voc(b)));
        }
        return s.append(']').toString();
    }
}
