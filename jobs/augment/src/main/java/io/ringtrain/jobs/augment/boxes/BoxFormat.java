package io.ringtrain.jobs.augment.boxes;

import io.ringtrain.jobs.augment.ImageSize;

/**
 * How a box's four numbers are written. Internally every box is pascal_voc in continuous pixel
 * coordinates: the image spans [0, width] × [0, height] and pixel (x, y) covers [x, x+1) × [y, y+1).
 */
public enum BoxFormat {
    /** (x_min, y_min, x_max, y_max) in pixels. */
    PASCAL_VOC,
    /** (x_min, y_min, width, height) in pixels. */
    COCO,
    /** (x_center, y_center, width, height), each divided by the image width or height. */
    YOLO;

    /** Converts one box written in this format to pascal_voc. */
    public double[] toVoc(double a, double b, double c, double d, ImageSize size) {
        return switch (this) {
            case PASCAL_VOC -> new double[] {a, b, c, d};
            case COCO -> new double[] {a, b, a + c, b + d};
            case YOLO -> {
                double w = size.width();
                double h = size.height();
                yield new double[] {(a - c / 2) * w, (b - d / 2) * h, (a + c / 2) * w, (b + d / 2) * h};
            }
        };
    }

    /** Converts one pascal_voc box to this format. */
    public double[] fromVoc(double xMin, double yMin, double xMax, double yMax, ImageSize size) {
        return switch (this) {
            case PASCAL_VOC -> new double[] {xMin, yMin, xMax, yMax};
            case COCO -> new double[] {xMin, yMin, xMax - xMin, yMax - yMin};
            case YOLO -> {
                double w = size.width();
                double h = size.height();
                yield new double[] {(xMin + xMax) / 2 / w, (yMin + yMax) / 2 / h, (xMax - xMin) / w, (yMax - yMin) / h};
            }
        };
    }

    /** Parses "pascal_voc", "coco" or "yolo" (any case). */
    public static BoxFormat parse(String name) {
        for (BoxFormat f : values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown box format '" + name + "': use pascal_voc, coco or yolo");
    }
}
