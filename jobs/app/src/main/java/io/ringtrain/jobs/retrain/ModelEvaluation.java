package io.ringtrain.jobs.retrain;

import io.ringtrain.jobs.evaluate.EvaluateJob;
import io.ringtrain.jobs.evaluate.Evaluation;
import io.ringtrain.jobs.models.SavedModel;
import io.ringtrain.trainer.loop.EvalResult;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.Serializable;

/**
 * Mean cross-entropy and accuracy of a registry version over a DataFrame in the DatasetColumns
 * layout, through the same path as {@code ringtrain evaluate} ({@link EvaluateJob}): the version's
 * weights and recorded architecture become a {@link SavedModel}, evaluated in the executors.
 */
public final class ModelEvaluation {
    private static final int BATCH = 128;

    private ModelEvaluation() {}

    /** The architecture and normalisation a version was trained with. */
    public record ModelSpec(String model, int[] inputShape, int numClasses, float[] mean, float[] std) implements Serializable {}

    /** {@code dataName} names the data in the Spark UI and in errors ("holdout", "newest partition"). */
    public static EvalResult evaluate(Dataset<Row> data, ModelSpec spec, byte[] safetensors, String dataName) {
        SavedModel model = savedModel(spec, safetensors, "the " + spec.model() + " weights of the registry");
        Evaluation evaluation = EvaluateJob.run(data.sparkSession(), model, data, dataName, BATCH, System.err);
        return new EvalResult(evaluation.meanLoss(), evaluation.accuracy(), evaluation.count());
    }

    /** Checks that a file holds weights this spec's model accepts (names and shapes), on the driver. */
    public static void requireLoadable(ModelSpec spec, byte[] safetensors, String source) {
        savedModel(spec, safetensors, source).instantiate();
    }

    /** The version as a saved model: the spec's settings override whatever the weights' metadata says. */
    private static SavedModel savedModel(ModelSpec spec, byte[] safetensors, String source) {
        SavedModel model = SavedModel.fromBytes(safetensors, source, spec.model(), spec.inputShape(), spec.numClasses(), null);
        return spec.mean() == null ? model : model.withNormalization(spec.mean(), spec.std());
    }
}
