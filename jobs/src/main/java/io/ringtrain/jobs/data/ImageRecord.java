package io.ringtrain.jobs.data;

import java.io.Serializable;

/**
 * One labelled image as it travels from the data source to an executor, still encoded:
 * {@code pixels} holds either raw uint8 HWC bytes ({@code encoded == false}, from IDX or arrays) or a
 * PNG/JPEG file's bytes ({@code encoded == true}, from image folders and Parquet). {@code id} is
 * stable across runs and drives the sample's augmentation.
 */
public record ImageRecord(long id, int label, int height, int width, int channels, boolean encoded, byte[] pixels,
                          String source) implements Serializable {}
