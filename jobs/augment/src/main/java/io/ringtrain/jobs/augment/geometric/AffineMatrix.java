package io.ringtrain.jobs.augment.geometric;

/**
 * 2×3 affine matrices in torchvision's convention. An inverse matrix {@code m} maps an <em>output</em>
 * pixel's position relative to the output centre to the input position relative to the input centre:
 * <pre>
 *   x_in = m[0]·x_out + m[1]·y_out + m[2],   y_in = m[3]·x_out + m[4]·y_out + m[5]
 *   where pixel column j sits at x = j − (width − 1)/2 (and likewise for rows)
 * </pre>
 * which is what {@code torchvision.transforms.functional.affine} builds with
 * {@code _get_inverse_affine_matrix(center=[0,0], ...)} and feeds to {@code grid_sample}.
 */
public final class AffineMatrix {
    private AffineMatrix() {
    }

    /**
     * torchvision's {@code _get_inverse_affine_matrix} (0.14): the inverse of
     * T · C · R(angle) · Shear(sx, sy) · Scale(scale) · C⁻¹ with angles in degrees. {@code angle} is
     * clockwise in image coordinates (y down), as in {@code F.affine}; {@code F.rotate} passes −angle so
     * that its positive angles turn the picture counter-clockwise.
     */
    public static double[] inverse(double centerX, double centerY, double angleDeg, double tx, double ty,
                                   double scale, double shearXDeg, double shearYDeg) {
        double rot = Math.toRadians(angleDeg);
        double sx = Math.toRadians(shearXDeg);
        double sy = Math.toRadians(shearYDeg);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] m = {d / scale, -b / scale, 0, -c / scale, a / scale, 0};
        m[2] += m[0] * (-centerX - tx) + m[1] * (-centerY - ty);
        m[5] += m[3] * (-centerX - tx) + m[4] * (-centerY - ty);
        m[2] += centerX;
        m[5] += centerY;
        return m;
    }

    /** The inverse of a 2×3 affine map. */
    public static double[] invert(double[] m) {
        double det = m[0] * m[4] - m[1] * m[3];
        if (Math.abs(det) < 1e-12) {
            throw new IllegalArgumentException("affine matrix is singular (scale 0 or shear ±90°)");
        }
        double a = m[4] / det;
        double b = -m[1] / det;
        double c = -m[3] / det;
        double d = m[0] / det;
        return new double[] {a, b, -(a * m[2] + b * m[5]), c, d, -(c * m[2] + d * m[5])};
    }

    /**
     * The forward map in continuous absolute coordinates (image spans [0, w] × [0, h]) for boxes, from
     * the centred inverse matrix: u_out = F(u_in − w/2) + w_out/2.
     */
    public static double[] forwardAbsolute(double[] inverseCentred, int inW, int inH, int outW, int outH) {
        double[] f = invert(inverseCentred);
        double cx = inW / 2.0;
        double cy = inH / 2.0;
        return new double[] {
            f[0], f[1], f[2] - f[0] * cx - f[1] * cy + outW / 2.0,
            f[3], f[4], f[5] - f[3] * cx - f[4] * cy + outH / 2.0
        };
    }

    /**
     * torchvision's {@code _compute_affine_output_size}: the size that holds the whole input after
     * the map (used by rotate with expand=True). The corners go through {@code m} itself, as there;
     * for a pure rotation the matrix and its inverse give the same size.
     */
    public static int[] expandedSize(double[] m, int w, int h) {
        double[][] pts = {{-0.5 * w, -0.5 * h}, {-0.5 * w, 0.5 * h}, {0.5 * w, 0.5 * h}, {0.5 * w, -0.5 * h}};
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (double[] p : pts) {
            double x = m[0] * p[0] + m[1] * p[1] + m[2];
            double y = m[3] * p[0] + m[4] * p[1] + m[5];
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        // torchvision truncates to 1e-4 before ceil/floor so that 13.000000001 does not become 14; it
        // does this in float32, and so must we (in double, 130000 · 1e-4 is 13.000000000000002)
        float tol = 1e-4f;
        float cmaxX = (float) Math.ceil(truncate((float) (maxX + w * 0.5) / tol) * tol);
        float cmaxY = (float) Math.ceil(truncate((float) (maxY + h * 0.5) / tol) * tol);
        float cminX = (float) Math.floor(truncate((float) (minX + w * 0.5) / tol) * tol);
        float cminY = (float) Math.floor(truncate((float) (minY + h * 0.5) / tol) * tol);
        return new int[] {(int) (cmaxX - cminX), (int) (cmaxY - cminY)};
    }

    private static float truncate(float v) {
        return (float) (v < 0 ? Math.ceil(v) : Math.floor(v));
    }
}
