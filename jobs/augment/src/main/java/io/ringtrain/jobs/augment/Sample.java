package io.ringtrain.jobs.augment;

import io.ringtrain.jobs.augment.boxes.Boxes;

/** What a transform works on: an image and the labelled boxes that belong to it (possibly none). */
public record Sample(Image image, Boxes boxes) {
    public Sample {
        if (image == null) {
            throw new IllegalArgumentException("Sample: image is null");
        }
        if (boxes == null) {
            boxes = Boxes.none();
        }
    }

    public static Sample of(Image image) {
        return new Sample(image, Boxes.none());
    }

    public ImageSize size() {
        return image.size();
    }

    public Sample withImage(Image newImage) {
        return new Sample(newImage, boxes);
    }
}
