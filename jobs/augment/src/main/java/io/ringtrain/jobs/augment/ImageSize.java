package io.ringtrain.jobs.augment;

/** Width and height of an image in pixels; what a transform needs to know to draw its random parameters. */
public record ImageSize(int width, int height) {
    public ImageSize {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
    }

    public double area() {
        return (double) width * height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
