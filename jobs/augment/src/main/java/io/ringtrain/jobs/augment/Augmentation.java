package io.ringtrain.jobs.augment;

import java.util.SplittableRandom;

/**
 * A configured pipeline bound to a job seed: what an executor calls on each sample as it reads it.
 * Thread-safe; holds no per-sample state.
 */
public final class Augmentation implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Transform<?> pipeline;
    private final long jobSeed;
    private final io.ringtrain.jobs.augment.boxes.BoxFilter boxFilter;

    public Augmentation(Transform<?> pipeline, long jobSeed) {
        this(pipeline, jobSeed, io.ringtrain.jobs.augment.boxes.BoxFilter.KEEP_VISIBLE);
    }

    /** {@code boxFilter}: the spec's {@code boxes:} rule, applied to the boxes a data source attaches to a record. */
    public Augmentation(Transform<?> pipeline, long jobSeed, io.ringtrain.jobs.augment.boxes.BoxFilter boxFilter) {
        this.pipeline = pipeline;
        this.jobSeed = jobSeed;
        this.boxFilter = boxFilter;
    }

    public io.ringtrain.jobs.augment.boxes.BoxFilter boxFilter() {
        return boxFilter;
    }

    public Transform<?> pipeline() {
        return pipeline;
    }

    /** The params this record gets in this epoch (log them to replay with {@link #replay}). */
    public Params draw(Sample sample, long epoch, long recordId) {
        SplittableRandom rng = SampleRandom.forSample(jobSeed, epoch, recordId);
        return pipeline.draw(rng, sample.size());
    }

    public Sample apply(Sample sample, long epoch, long recordId) {
        return pipeline.applyErased(draw(sample, epoch, recordId), sample);
    }

    public Sample replay(Params params, Sample sample) {
        return pipeline.applyErased(params, sample);
    }
}
