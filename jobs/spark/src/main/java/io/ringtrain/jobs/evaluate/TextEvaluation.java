package io.ringtrain.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.data.CharVocabulary;
import io.ringtrain.jobs.data.SequenceColumns;
import io.ringtrain.jobs.data.SequenceRecord;
import io.ringtrain.jobs.data.SequenceSamples;
import io.ringtrain.jobs.data.TextSources;
import io.ringtrain.jobs.models.SavedTextModel;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.run.RunFolder;
import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.loop.TokenCrossEntropyObjective;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A text model on a text or TSV file, in parallel over the executors: the mean loss (per character
 * for language models, in nats, as the training job reports it), the token accuracy (teacher-forced
 * arg-max; mean per sequence) and the share of sequences whose every token is right.
 */
public record TextEvaluation(String data, String split, long sequences, double loss, double tokenAccuracy, double exactSequences) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static TextEvaluation run(SparkSession spark, SavedTextModel model, String path, String split, int batchSize) {
        if (io.ringtrain.jobs.models.ModelZoo.isTextClassifier(model.name())) {
            throw new IllegalArgumentException(model.name() + " cannot be evaluated here yet (only language and seq2seq models); "
                    + "its validation accuracy is in the training run's summary.json");
        }
        String text = TextSources.readText(path, spark.sparkContext().hadoopConfiguration());
        List<SequenceRecord> records = TextSources.encodedWith(model.vocabulary(), model.format(), text, path, model.seqLen(), model.stride(),
                model.validationFraction(), split);
        if (records.isEmpty()) throw new IllegalArgumentException(path + " has no sequences in the " + split + " split; use --split all or a longer file");
        List<Row> rows = new ArrayList<>(records.size());
        for (SequenceRecord r : records) rows.add(SequenceColumns.toRow(r));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SavedTextModel> shipped = jsc.broadcast(model);
        boolean languageModel = model.isLanguageModel();
        int seqLen = model.seqLen();
        try (var job = JobDescription.open(spark.sparkContext(), "ringtrain evaluate: " + path + " (" + split + " split)")) {
            List<double[]> partials = SequenceColumns.frame(spark, rows).toJavaRDD().mapPartitions(it -> {
                Module module = shipped.value().instantiate();
                TokenCrossEntropyObjective objective = new TokenCrossEntropyObjective(languageModel ? -1 : CharVocabulary.PAD);
                List<SequenceRecord> part = new ArrayList<>();
                while (it.hasNext()) part.add(SequenceColumns.toRecord(it.next()));
                SequenceSamples samples = languageModel ? SequenceSamples.languageModel(part, seqLen) : SequenceSamples.seq2seq(part, seqLen);
                double[] sums = new double[4];
                try (var scope = GradMode.noGrad()) {
                    for (int start = 0; start < samples.size(); start += batchSize) {
                        int[] idx = new int[Math.min(batchSize, samples.size() - start)];
                        for (int i = 0; i < idx.length; i++) idx[i] = start + i;
                        Batch batch = Batch.gather(samples, idx, 0);
                        Tensor logits = module.forward(batch.inputs());
                        sums[0] += objective.lossSum(logits, batch).item();
                        sums[1] += objective.accuracySum(logits, batch);
                        sums[2] += objective.correct(logits, batch);
                        sums[3] += idx.length;
                    }
                }
                return List.of(sums).iterator();
            }).collect();
            double[] total = new double[4];
            for (double[] p : partials) for (int i = 0; i < 4; i++) total[i] += p[i];
            return new TextEvaluation(path, split, (long) total[3], total[0] / total[3], total[1] / total[3], total[2] / total[3]);
        } finally {
            shipped.destroy();
        }
    }

    /** Writes evaluation.json into {@code folder}. */
    public void write(SparkSession spark, String folder) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("split", split);
        m.put("sequences", sequences);
        m.put("loss", loss);
        m.put("token_accuracy", tokenAccuracy);
        m.put("exact_sequences", exactSequences);
        try {
            new RunFolder(folder).writeText(spark.sparkContext().hadoopConfiguration(), "evaluation.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
