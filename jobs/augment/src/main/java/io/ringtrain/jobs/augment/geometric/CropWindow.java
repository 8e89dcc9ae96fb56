package io.ringtrain.jobs.augment.geometric;

import io.ringtrain.jobs.augment.Params;

/** A crop window in input pixels: columns [left, left + width), rows [top, top + height). */
public record CropWindow(int left, int top, int width, int height) implements Params {
}
