package io.ringtrain.jobs.run;

import org.apache.spark.SparkContext;

/**
 * The description the Spark UI shows for every job started while it is open (Spark's
 * {@code spark.job.description} local property of the calling thread). Every action ringtrain
 * runs sits inside one, so the UI names what the job does instead of {@code collectAsList at ...}:
 * <pre>{@code try (var job = JobDescription.open(sc, "ringtrain train: label check (" + data + ")")) { ... }}</pre>
 * Closing restores the description that was open before (nested ones, e.g. the normalisation
 * inside a training run, hand back to the outer one; at the top level the property is cleared).
 *
 * <p>Some calls that look lazy start jobs too and need one: {@code Dataset.toJavaRDD()} runs the
 * Dataset's shuffles under adaptive query execution, and reading Parquet reads a schema
 * ({@code DataSources.parquet}). {@code JobDescriptionIT} finds any job left without.
 */
public final class JobDescription implements AutoCloseable {
    /** The local property {@code SparkContext.setJobDescription} sets (Spark keeps the constant private). */
    public static final String PROPERTY = "spark.job.description";

    private final SparkContext sc;
    private final String previous;

    private JobDescription(SparkContext sc, String previous) {
        this.sc = sc;
        this.previous = previous;
    }

    public static JobDescription open(SparkContext sc, String description) {
        JobDescription opened = new JobDescription(sc, sc.getLocalProperty(PROPERTY));
        sc.setJobDescription(description);
        return opened;
    }

    @Override
    public void close() {
        sc.setLocalProperty(PROPERTY, previous); // null removes it
    }
}
