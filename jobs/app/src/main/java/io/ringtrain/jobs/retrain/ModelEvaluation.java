package io.ringtrain.jobs.retrain;

import io.ringtrain.jobs.evaluate.EvaluateJob;
import io.ringtrain.jobs.evaluate.Evaluation;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.trainer.loop.EvalResult;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Mean cross-entropy and accuracy of a registry version over a DataFrame in the DatasetColumns
 * layout, through the same path as {@code ringtrain evaluate} ({@link EvaluateJob}): the version's
 * weights become a {@link SavedModel}, rebuilt from the {@link io.ringtrain.jobs.models.ModelProvenance}
 * they record (a built-in model, a user's class or a layer list, with its input shape, classes and
 * normalisation), and are evaluated in the executors.
 */
public final class ModelEvaluation {
    private static final int BATCH = 128;

    private ModelEvaluation() {}

    /**
     * {@code source} names the weights in errors ("v0003"); {@code dataName} names the data in the
     * Spark UI and in errors ("holdout", "newest partition").
     */
    public static EvalResult evaluate(Dataset<Row> data, byte[] safetensors, String source, String dataName) {
        Evaluation evaluation = EvaluateJob.run(data.sparkSession(), load(safetensors, source), data, dataName, BATCH, System.err);
        return new EvalResult(evaluation.meanLoss(), evaluation.accuracy(), evaluation.count());
    }

    /** The weights as the model they record; checks on the driver that the model builds and accepts them (names and shapes). */
    public static SavedModel requireLoadable(byte[] safetensors, String source) {
        SavedModel model = load(safetensors, source);
        model.instantiate();
        return model;
    }

    private static SavedModel load(byte[] safetensors, String source) {
        return SavedModel.fromBytes(safetensors, source, null, null, null, null);
    }
}
