package io.ringtrain.jobs.train;

import io.ringtrain.jobs.data.CharVocabulary;
import io.ringtrain.jobs.data.SequenceColumns;
import io.ringtrain.jobs.data.SequenceRecord;
import io.ringtrain.jobs.data.TextSources;
import io.ringtrain.jobs.models.SavedTextModel;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.run.RunFolder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a text run records beside the weights and shows when it ends: the vocabulary
 * ({@code vocab.json}), the settings that rebuild the model (in the weights' metadata), and a look
 * at the model: a generated sample for language models, greedy translations of validation pairs
 * (with their exact-match rate) for seq2seq, printed and written to {@code sample.txt}. A sequence
 * classifier (bert-encoder) has neither: its validation accuracy is the run's result.
 */
final class TextRunOutputs {
    static final String VOCABULARY_FILE = "vocab.json";
    static final String SAMPLE_FILE = "sample.txt";
    /** Validation pairs decoded greedily after seq2seq training (decoding is sequential, on the driver). */
    static final int DECODED_PAIRS = 200;

    private TextRunOutputs() {}

    /** The weights' metadata for a text model: everything {@link SavedTextModel} needs to rebuild and decode it. */
    static Map<String, String> modelSettings(TrainJobConfig config, CharVocabulary vocabulary) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", config.input.format.name());
        m.put("vocabulary", vocabulary.toJson());
        m.put("num_classes", Integer.toString(vocabulary.size()));
        m.put("seq_len", Integer.toString(config.text.seqLen));
        m.put("stride", Integer.toString(config.text.windowStride()));
        m.put("validation_fraction", Double.toString(config.text.validationFraction));
        m.put("hidden_size", Integer.toString(config.text.hiddenSize));
        m.put("num_layers", Integer.toString(config.text.numLayers));
        m.put("num_heads", Integer.toString(config.text.numHeads));
        return m;
    }

    static TrainJob.Summary afterTraining(SparkSession spark, TrainJobConfig config, TextSources.TextDataset text, TrainJob.Summary trained,
                                          PrintStream console) throws IOException {
        var hadoop = spark.sparkContext().hadoopConfiguration();
        RunFolder run = new RunFolder(config.runDir);
        if (io.ringtrain.jobs.models.ModelZoo.isTextClassifier(config.model.name)) return trained;
        SavedTextModel model = SavedTextModel.fromRunFolder(config.runDir, hadoop);
        RunSummary summary = trained.result();
        String sample;
        if (model.isLanguageModel()) {
            if (config.text.sampleLength == 0) return trained;
            String prompt = config.text.prompt != null ? config.text.prompt : text.vocabulary().contains('\n') ? "\n" : text.vocabulary().decode(new int[] {0});
            String generated = model.generate(prompt, config.text.sampleLength, config.text.temperature, config.seed);
            sample = prompt + generated;
            console.printf(Locale.ROOT, "sample (%d characters, temperature %s, seed %d):%n%s%n", config.text.sampleLength, config.text.temperature, config.seed, sample);
        } else {
            List<SequenceRecord> pairs = new ArrayList<>();
            try (var job = JobDescription.open(spark.sparkContext(), "ringtrain train: the first " + DECODED_PAIRS + " validation pairs, to decode")) {
                for (Row row : text.validation().orderBy("id").limit(DECODED_PAIRS).collectAsList()) pairs.add(SequenceColumns.toRecord(row));
            }
            List<String> sources = new ArrayList<>(), expected = new ArrayList<>();
            for (SequenceRecord r : pairs) {
                sources.add(model.vocabulary().decode(r.tokens()));
                expected.add(model.vocabulary().decode(r.target()));
            }
            List<String> decoded = model.translate(sources);
            int exact = 0;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < decoded.size(); i++) {
                boolean right = decoded.get(i).equals(expected.get(i));
                if (right) exact++;
                sb.append(right ? "ok  " : "--  ").append(sources.get(i)).append("\t→ ").append(decoded.get(i))
                        .append(right ? "" : "\t(expected " + expected.get(i) + ")").append('\n');
            }
            double rate = decoded.isEmpty() ? Double.NaN : exact / (double) decoded.size();
            summary = summary.withDecoding(rate, decoded.size());
            sample = sb.toString();
            console.printf(Locale.ROOT, "greedy decoding of the first %d validation pairs: exact match %.2f%% (%d/%d); first ones:%n", decoded.size(),
                    100 * rate, exact, decoded.size());
            sample.lines().limit(5).forEach(console::println);
        }
        run.writeText(hadoop, SAMPLE_FILE, sample);
        summary = summary.withSampleFile(run.path(SAMPLE_FILE).toString());
        run.writeText(hadoop, "summary.json", summary.toJson());
        return new TrainJob.Summary(summary, trained.runDir(), trained.attempts());
    }
}
