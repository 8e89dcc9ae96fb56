package io.ringtrain.jobs.retrain;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.RecordSamples;
import io.ringtrain.jobs.models.ModelZoo;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.ClassificationObjective;
import io.ringtrain.trainer.loop.EvalResult;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Mean cross-entropy and accuracy of a saved model over a DataFrame in the DatasetColumns layout,
 * computed in the executors: the weights are broadcast, each partition rebuilds the model, runs it
 * in eval mode without gradients in batches, and returns (Σ loss, Σ correct, count), summed on the driver.
 */
public final class ModelEvaluation {
    private static final int BATCH = 128;

    private ModelEvaluation() {}

    /** The architecture and normalisation a version was trained with. */
    public record ModelSpec(String model, int[] inputShape, int numClasses, float[] mean, float[] std) implements Serializable {}

    public static EvalResult evaluate(Dataset<Row> data, ModelSpec spec, byte[] safetensors) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        Broadcast<byte[]> weights = jsc.broadcast(safetensors);
        try (var job = JobDescription.open(jsc.sc(), "ringtrain retrain: evaluate a " + spec.model() + " version (loss, accuracy)")) {
            List<double[]> partials = data.toJavaRDD().mapPartitions(rows -> {
                Module model = ModelZoo.create(spec.model(), spec.inputShape(), spec.numClasses(), 0);
                model.loadStateDict(SafeTensors.read(new ByteArrayInputStream(weights.value()), "broadcast weights").tensors(), true);
                model.eval();
                ClassificationObjective objective = new ClassificationObjective();
                double[] sums = new double[3];
                List<ImageRecord> chunk = new ArrayList<>(BATCH);
                while (rows.hasNext() || !chunk.isEmpty()) {
                    if (rows.hasNext()) chunk.add(DatasetColumns.toRecord(rows.next()));
                    if (chunk.size() == BATCH || (!rows.hasNext() && !chunk.isEmpty())) {
                        RecordSamples samples = new RecordSamples(chunk, spec.inputShape(), spec.mean(), spec.std(), null);
                        int[] all = new int[chunk.size()];
                        for (int i = 0; i < all.length; i++) all[i] = i;
                        try (var scope = GradMode.noGrad()) {
                            Batch batch = Batch.gather(samples, all, 0);
                            Tensor logits = model.forward(batch.inputs());
                            sums[0] += objective.lossSum(logits, batch).item();
                            sums[1] += objective.correct(logits, batch);
                            sums[2] += all.length;
                        }
                        chunk = new ArrayList<>(BATCH);
                    }
                }
                return List.of(sums).iterator();
            }).collect();
            double[] total = new double[3];
            for (double[] p : partials) for (int i = 0; i < 3; i++) total[i] += p[i];
            if (total[2] == 0) throw new IllegalArgumentException("cannot evaluate on an empty dataset");
            return new EvalResult(total[0] / total[2], total[1] / total[2], (long) total[2]);
        } finally {
            weights.destroy();
        }
    }

    /** Checks that a file holds weights this spec's model accepts (names and shapes), on the driver. */
    public static void requireLoadable(ModelSpec spec, byte[] safetensors, String source) {
        try {
            Module model = ModelZoo.create(spec.model(), spec.inputShape(), spec.numClasses(), 0);
            model.loadStateDict(SafeTensors.read(new ByteArrayInputStream(safetensors), source).tensors(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + source + ": " + e.getMessage(), e);
        }
    }
}
