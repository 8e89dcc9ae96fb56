package io.ringtrain.jobs.data;

import java.io.Serializable;

/**
 * One labelled image as it travels from the data source to an executor, still encoded:
 * {@code pixels} holds either raw uint8 HWC bytes ({@code encoded == false}, from IDX or arrays) or a
 * PNG/JPEG file's bytes ({@code encoded == true}, from image folders and Parquet). {@code id} is
 * stable across runs and drives the sample's augmentation. {@code objects} holds the annotated
 * boxes of detection sources (COCO, VOC), null for the others; their {@code height}/{@code width}
 * are the annotation's image size, which the decoded image must match.
 */
public record ImageRecord(long id, int label, int height, int width, int channels, boolean encoded, byte[] pixels,
                          String source, ObjectBoxes objects) implements Serializable {
    /** A record without boxes. */
    public ImageRecord(long id, int label, int height, int width, int channels, boolean encoded, byte[] pixels, String source) {
        this(id, label, height, width, channels, encoded, pixels, source, null);
    }
}
