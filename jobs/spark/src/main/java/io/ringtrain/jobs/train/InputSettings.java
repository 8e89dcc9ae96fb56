package io.ringtrain.jobs.train;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.ringtrain.jobs.data.formats.DataFormat;
import io.ringtrain.jobs.data.formats.DataFormats;
import io.ringtrain.jobs.data.formats.ImageFormat;
import io.ringtrain.jobs.data.formats.TextFormat;

import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * What the job trains on and how it reaches the replicas: the data and its format, the images'
 * shape, classes, normalisation and augmentation, the sharding and the bad-record policy. Part of
 * {@link TrainJobConfig#input}; config files and flags name these settings as before, without a
 * prefix ({@code format: parquet}, {@code --format parquet}).
 */
public final class InputSettings implements Serializable {
    /** Data: a folder (idx: the four Fashion-MNIST/MNIST files; image-folder: one sub-folder per class) or a Parquet path. */
    public String data;
    /** Test data; for idx the test split of {@link #data} is used when this is empty. */
    public String testData;
    /**
     * A registered format ({@link DataFormats}), written as its name: idx, image-folder, parquet,
     * coco (an instances JSON file) or voc (a Pascal VOC folder) for images; text or text-pairs for
     * character sequences (see TextSources).
     */
    @JsonSerialize(using = ToStringSerializer.class)
    @JsonDeserialize(using = FormatName.class)
    public DataFormat format = DataFormats.DEFAULT;
    public String imageColumn = "image";
    public String labelColumn = "label";
    /** Classes; for text models the job sets it to the vocabulary size (one class per token). */
    public int numClasses = 10;
    /**
     * Class names, index k naming label k, saved with the model so evaluate and predict map labels
     * by name and show names. image-folder: the training set's sorted folder names when null (set
     * by the job); when given, folders are labelled by their position here and any other folder
     * fails. Other formats: none unless given (labels are indices).
     */
    public List<String> classNames;
    /** Model input [channels, height, width]; images must match after augmentation. */
    public int[] inputShape = {1, 28, 28};
    /** Per-channel normalisation of [0, 1] pixels; computed from the training data when null. */
    public float[] mean;
    public float[] std;
    /** Augmentation spec: a path to a JSON/YAML file, or the spec text itself; none when null. */
    public String augment;
    /**
     * replicated: every replica holds the whole (small) dataset, exact W·b equivalence; partitioned:
     * one shard per replica, held in memory; streaming: one Parquet shard per replica in the run
     * folder, streamed every epoch through a shuffle buffer (data larger than executor memory).
     */
    public Sharding sharding = Sharding.REPLICATED;
    /** streaming: records a replica's shuffle buffer holds (besides one batch); 1 keeps the shard's stored order. */
    public int shuffleBuffer = 1024;
    /**
     * fail: a corrupt image, an image of the wrong size or a label outside [0, numClasses) fails the
     * job naming the record; skip: such records are dropped before planning, counted per kind and
     * reported (driver warning, metrics.jsonl, summary.json).
     */
    public BadRecordPolicy onBadRecord = BadRecordPolicy.FAIL;

    /**
     * The registered format named {@code name}, as config files, {@code --format} and data sources
     * name it; any other name fails naming it and the registered formats.
     */
    public static DataFormat format(String name) {
        return DataFormats.find(name).orElseThrow(() -> new IllegalArgumentException("training setting 'format' = " + name
                + " is invalid: expected " + DataFormats.alternatives(DataFormats.names())));
    }

    /** The text format trained on; only for a job that trains on text ({@link TrainJobConfig#trainsOnText}). */
    public TextFormat textFormat() {
        if (format instanceof TextFormat text) return text;
        throw new IllegalStateException("format " + format + " is not a text format");
    }

    /** The image format trained on; only for a job that trains on images. */
    public ImageFormat imageFormat() {
        if (format instanceof ImageFormat image) return image;
        throw new IllegalStateException("format " + format + " is not an image format");
    }

    /**
     * Fails naming the first bad setting. Whether the model fits the format, shape and classes, and
     * whether the sharding allows elastic replicas, span parts, so {@link TrainJobConfig#validate}
     * checks those.
     */
    void validate() {
        TrainJobConfig.require(format != null, "format", null, DataFormats.alternatives(DataFormats.names()));
        TrainJobConfig.requireChosen(sharding, "sharding", Sharding.values());
        TrainJobConfig.requireChosen(onBadRecord, "onBadRecord", BadRecordPolicy.values());
        boolean text = format.isText();
        TrainJobConfig.require(text || numClasses >= 2, "numClasses", numClasses, "≥ 2");
        TrainJobConfig.require(data != null && !data.isBlank(), "data", data, "a dataset path: pass --data");
        TrainJobConfig.require(text || inputShape != null && inputShape.length == 3, "inputShape", Arrays.toString(inputShape), "[channels, height, width]");
        if (text) {
            TrainJobConfig.require(augment == null, "augment", augment, "none: augmentation applies to images");
            TrainJobConfig.require(sharding != Sharding.STREAMING, "sharding", sharding, "replicated or partitioned for text (streaming reads image shards)");
        }
        TrainJobConfig.require(shuffleBuffer >= 1, "shuffleBuffer", shuffleBuffer, "≥ 1");
        if (classNames != null) {
            TrainJobConfig.require(!text, "classNames", classNames, "none for text models (their classes are the vocabulary)");
            TrainJobConfig.require(classNames.size() <= numClasses && new HashSet<>(classNames).size() == classNames.size()
                    && classNames.stream().noneMatch(n -> n == null || n.isBlank()), "classNames", classNames,
                    "at most numClasses (" + numClasses + ") distinct, non-empty names");
        }
        if (!text && (mean != null || std != null)) {
            TrainJobConfig.require(mean != null && std != null && mean.length == inputShape[0] && std.length == inputShape[0], "mean/std",
                    Arrays.toString(mean) + "/" + Arrays.toString(std), "one value per input channel");
            for (int ch = 0; ch < mean.length; ch++) {
                TrainJobConfig.require(Float.isFinite(mean[ch]) && Float.isFinite(std[ch]) && std[ch] > 0, "mean/std",
                        Arrays.toString(mean) + "/" + Arrays.toString(std), "finite values, std > 0");
            }
        }
    }

    /** Reads a format by its name ({@link #format(String)}); Jackson passes its refusal on with the key's path. */
    static final class FormatName extends StdDeserializer<DataFormat> {
        FormatName() {
            super(DataFormat.class);
        }

        @Override
        public DataFormat deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return format(p.getValueAsString());
        }
    }
}
