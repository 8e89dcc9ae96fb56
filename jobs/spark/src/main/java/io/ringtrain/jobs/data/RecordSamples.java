package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.Augmentation;
import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.trainer.data.Samples;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * An executor's records as the trainer's {@link Samples}: each sample is decoded when its batch is
 * built (raw bytes or PNG/JPEG), augmented with randomness from (job seed, epoch, record id), scaled
 * to [0, 1] and normalised per channel: x = (v/255 − mean[c]) / std[c]. Every sample must come out
 * with the shape [channels, height, width] given at construction.
 */
public final class RecordSamples implements Samples {
    private final List<ImageRecord> records;
    private final int[] shape;
    private final float[] mean;
    private final float[] std;
    private final Augmentation augmentation;

    public RecordSamples(List<ImageRecord> records, int[] shape, float[] mean, float[] std, Augmentation augmentation) {
        if (shape.length != 3) throw new IllegalArgumentException("sample shape must be [channels, height, width], got " + Arrays.toString(shape));
        if (mean.length != shape[0] || std.length != shape[0]) {
            throw new IllegalArgumentException("normalisation has " + mean.length + " means and " + std.length + " stds for " + shape[0] + " channels");
        }
        this.records = records;
        this.shape = shape.clone();
        this.mean = mean.clone();
        this.std = std.clone();
        this.augmentation = augmentation;
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public float target(int index) {
        return records.get(index).label();
    }

    public ImageRecord record(int index) {
        return records.get(index);
    }

    @Override
    public void copySample(int index, int epoch, float[] dst, int offset) {
        normalizeInto(sample(index, epoch).image(), shape, mean, std, dst, offset);
    }

    /** Writes (v/255 − mean[c]) / std[c] of a [0, 255] image of {@code shape} into {@code dst} at {@code offset}. */
    static void normalizeInto(Image image, int[] shape, float[] mean, float[] std, float[] dst, int offset) {
        float[] chw = image.data();
        int plane = shape[1] * shape[2];
        for (int c = 0; c < shape[0]; c++) {
            float m = mean[c], inv = 1f / std[c];
            for (int i = 0; i < plane; i++) dst[offset + c * plane + i] = (chw[c * plane + i] / 255f - m) * inv;
        }
    }

    /** Sample {@code index} as training sees it in {@code epoch}: decoded and augmented, boxes included (before normalisation). */
    public Sample sample(int index, int epoch) {
        return prepare(records.get(index), shape, augmentation, epoch);
    }

    /**
     * Record {@code r} decoded and augmented as in {@code epoch} (values in [0, 255]), with its boxes
     * (if any) mapped by the same geometric transforms; fails with a {@link BadRecordException} when
     * it does not decode or does not come out as {@code shape}.
     */
    public static Sample prepare(ImageRecord r, int[] shape, Augmentation augmentation, int epoch) {
        Image image = decode(r, shape[0]);
        Sample sample = Sample.of(image);
        if (r.objects() != null) {
            if (r.height() > 0 && (image.height() != r.height() || image.width() != r.width())) {
                throw new BadRecordException(BadRecordException.Kind.WRONG_SHAPE, describe(r), "record " + describe(r) + " decodes to "
                        + image.width() + "×" + image.height() + " but its annotation says " + r.width() + "×" + r.height()
                        + ", so its boxes would not fit; fix the annotation's width/height");
            }
            sample = new Sample(image, r.objects().toBoxes(image.size(),
                    augmentation == null ? io.ringtrain.jobs.augment.boxes.BoxFilter.KEEP_VISIBLE : augmentation.boxFilter()));
        }
        if (augmentation != null) {
            try {
                sample = augmentation.apply(sample, epoch, r.id());
            } catch (io.ringtrain.jobs.augment.spec.SpecException e) {
                throw e;
            } catch (IllegalArgumentException e) { // a size-dependent draw, e.g. a crop larger than this image
                throw new BadRecordException(BadRecordException.Kind.WRONG_SHAPE, describe(r), "record " + describe(r) + " is "
                        + image.channels() + "×" + image.height() + "×" + image.width() + ", which the augmentation cannot take: " + e.getMessage(), e);
            }
            image = sample.image();
        }
        if (image.channels() != shape[0] || image.height() != shape[1] || image.width() != shape[2]) {
            throw new BadRecordException(BadRecordException.Kind.WRONG_SHAPE, describe(r), "record " + describe(r) + " is "
                    + image.channels() + "×" + image.height() + "×" + image.width()
                    + " after decoding and augmentation, but the model expects " + shape[0] + "×" + shape[1] + "×" + shape[2]
                    + "; add a resize or crop to the augmentation spec");
        }
        return sample;
    }

    /**
     * Fails with a {@link BadRecordException} when {@code r} cannot be trained on: a label outside
     * [0, numClasses), bytes that do not decode, or an image that is not {@code shape} after decoding
     * and the augmentation of epoch 0. The same code path as training, so a record that passes
     * decodes in every epoch (unless a transform's output size varies by draw, e.g. rotate with expand).
     */
    public static void check(ImageRecord r, int[] shape, int numClasses, Augmentation augmentation) {
        if (r.label() < 0 || r.label() >= numClasses) {
            throw new BadRecordException(BadRecordException.Kind.LABEL_OUT_OF_RANGE, describe(r), "record " + describe(r) + " has label "
                    + r.label() + " outside [0, " + (numClasses - 1) + "]; fix the label or set numClasses (--num-classes)");
        }
        prepare(r, shape, augmentation, 0);
    }

    /** Decodes a record into a float CHW image with values in [0, 255]. */
    public static Image decode(ImageRecord r, int channels) {
        if (!r.encoded()) {
            int expected = r.height() * r.width() * r.channels();
            if (r.pixels() == null || r.pixels().length != expected) {
                throw new BadRecordException(BadRecordException.Kind.CORRUPT_IMAGE, describe(r), "record " + describe(r) + " has "
                        + (r.pixels() == null ? 0 : r.pixels().length)
                        + " pixel bytes but declares " + r.height() + "×" + r.width() + "×" + r.channels() + " = " + expected);
            }
            return Image.fromHwcBytes(r.pixels(), r.width(), r.height(), r.channels());
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(r.pixels()));
        } catch (IOException | RuntimeException e) { // ImageIO's plug-ins throw unchecked exceptions on some truncated files
            throw new BadRecordException(BadRecordException.Kind.CORRUPT_IMAGE, describe(r),
                    "record " + describe(r) + " is not a readable PNG/JPEG image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new BadRecordException(BadRecordException.Kind.CORRUPT_IMAGE, describe(r),
                    "record " + describe(r) + " is not a PNG/JPEG image (corrupt or unsupported format)");
        }
        return Image.fromBufferedImage(img, channels);
    }

    public static String describe(ImageRecord r) {
        return r.source() != null ? r.source() : "id " + r.id();
    }
}
