package io.ringtrain.jobs.train;

import io.ringtrain.allreduce.LocalCommunicator;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.jobs.data.SequenceColumns;
import io.ringtrain.jobs.data.SequenceRecord;
import io.ringtrain.jobs.data.SequenceSamples;
import io.ringtrain.jobs.data.TextSources;
import io.ringtrain.jobs.models.SavedTextModel;
import io.ringtrain.jobs.testing.LocalSparkTest;
import io.ringtrain.jobs.testing.TestData;
import io.ringtrain.trainer.loop.TokenCrossEntropyObjective;
import io.ringtrain.trainer.loop.Trainer;
import io.ringtrain.trainer.loop.TrainingResult;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.ringtrain.jobs.train.TrainJobLocalIT.assertRelativelyClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text models through the real training job: Spark local[2], 2 replicas as barrier tasks joined by a real ring. */
class TextTrainJobLocalIT extends LocalSparkTest {
    /** The first {@code chars} characters of tinyshakespeare as a file of its own. */
    static Path shakespeareSlice(Path dir, int chars) throws Exception {
        String text = Files.readString(TestData.tinyShakespeare(), StandardCharsets.UTF_8);
        return Files.writeString(dir.resolve("slice.txt"), text.substring(0, chars), StandardCharsets.UTF_8);
    }

    static TrainJobConfig charLstm(Path data, Path runDir) {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = "char-lstm";
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("text");
        c.input.data = data.toString();
        c.runDir = runDir.toString();
        c.replicas = 2;
        c.text.seqLen = 32;
        c.text.hiddenSize = 64;
        c.text.numLayers = 1;
        c.batchSize = 16;
        c.optimization.optimizer = OptimizerChoice.ADAMW;
        c.optimization.lr = 1e-2;
        c.optimization.weightDecay = 0;
        c.optimization.clipGradNorm = 1.0;
        c.seed = 3;
        c.text.sampleLength = 80;
        c.recovery.maxAttempts = 1;
        return c;
    }

    /**
     * Unigram entropy H₁ = −Σ p(c) ln p(c) of the characters of {@code text}, in nats: the loss of
     * the best model that ignores context.
     */
    static double unigramEntropy(String text) {
        Map<Integer, Integer> counts = new HashMap<>();
        text.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        double n = text.codePointCount(0, text.length()), h = 0;
        for (int k : counts.values()) h -= k / n * Math.log(k / n);
        return h;
    }

    /**
     * char-lstm (1 × 64 units) on the first 100,000 characters, 2 replicas × 16 windows of 32, 3 epochs
     * (255 steps): the validation loss (last 10%) must fall at least 0.8 nats/char below the unigram
     * entropy of the training part (≈ 3.3 nats), i.e. the model uses context; a sample is generated.
     */
    @Test
    void charLstmOnTwoReplicasLearnsFarBelowTheUnigramEntropy(@TempDir Path tmp) throws Exception {
        Path data = shakespeareSlice(tmp, 100_000);
        TrainJobConfig c = charLstm(data, tmp.resolve("run"));
        c.epochs = 3;
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        String text = Files.readString(data);
        double h1 = unigramEntropy(text.substring(0, 90_000));
        System.out.printf("char-lstm: validation loss %.4f nats/char, unigram entropy %.4f, %s%n", summary.testLoss(), h1, summary.json());
        assertTrue(summary.testLoss() < h1 - 0.8, "validation loss " + summary.testLoss() + " is not 0.8 nats below the unigram entropy " + h1);
        assertTrue(summary.testAccuracy() > 0.3, "token accuracy " + summary.testAccuracy());
        String sample = Files.readString(tmp.resolve("run/sample.txt"));
        assertEquals(1 + 80, sample.length(), "a newline prompt and 80 generated characters");
        assertTrue(Files.readString(tmp.resolve("run/vocab.json")).contains("\"characters\""));
        SavedTextModel saved = SavedTextModel.fromRunFolder(tmp.resolve("run").toString(), new org.apache.hadoop.conf.Configuration());
        assertEquals(32, saved.seqLen());
    }

    /**
     * The Spark layer adds nothing wrong for sequences: 2 replicas × 8 windows train the weights one
     * in-process replica with 16 windows trains on the same records (1 epoch of 21 steps). Tolerance
     * 1e-4 of each tensor's largest magnitude, as TrainJobLocalIT (float32 sums in another order).
     */
    @Test
    void twoReplicasTrainTheWeightsOfTheSingleJvmTrainer(@TempDir Path tmp) throws Exception {
        Path data = shakespeareSlice(tmp, 6_000);
        TrainJobConfig c = charLstm(data, tmp.resolve("run"));
        c.text.seqLen = 16;
        c.text.hiddenSize = 32;
        c.batchSize = 8;
        c.epochs = 1;
        c.text.sampleLength = 0;
        TrainJob.run(spark, c, System.out);
        Map<String, Tensor> distributed = SafeTensors.read(tmp.resolve("run/model.safetensors")).tensors();

        TextSources.TextDataset text = TextSources.read(spark, c.input.textFormat(), c.input.data, null, c.text.seqLen, c.text.windowStride(), c.text.validationFraction);
        List<SequenceRecord> records = new ArrayList<>();
        for (Row row : text.train().collectAsList()) records.add(SequenceColumns.toRecord(row));
        records.sort(Comparator.comparingLong(SequenceRecord::id));
        TrainJobConfig single = charLstm(data, tmp.resolve("single"));
        single.text.seqLen = 16;
        single.text.hiddenSize = 32;
        single.epochs = 1;
        single.replicas = 1;
        single.batchSize = 16;
        single.input.numClasses = text.vocabulary().size();
        try (LocalCommunicator comm = new LocalCommunicator()) {
            int steps = (records.size() + 15) / 16;
            TrainingSetup setup = TrainingSetup.of(single, comm, steps);
            TrainingResult result = Trainer.builder().setModel(setup.model()).setOptimizer(setup.optimizer()).setSchedule(setup.schedule())
                    .setObjective(new TokenCrossEntropyObjective(-1)).setCommunicator(comm).setConfig(setup.trainerConfig()).build()
                    .fit(SequenceSamples.languageModel(records, 16), null);
            assertEquals(steps, result.optimizerSteps());
            Map<String, Tensor> expected = setup.model().stateDict();
            assertEquals(expected.keySet(), distributed.keySet());
            expected.forEach((name, t) -> assertRelativelyClose(name, t.toArray(), distributed.get(name).toArray()));
        }
    }

    /** A TSV of {@code n} random strings over a–f (length 2–6) and their reversals. */
    static Path reversalPairs(Path dir, int n, long seed) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            int len = 2 + rng.nextInt(5);
            for (int k = 0; k < len; k++) s.append((char) ('a' + rng.nextInt(6)));
            tsv.append(s).append('\t').append(new StringBuilder(s).reverse()).append('\n');
        }
        return Files.writeString(dir.resolve("reverse.tsv"), tsv.toString());
    }

    /**
     * seq2seq-transformer (d 32, 4 heads, 1 encoder and 1 decoder layer) on 2 replicas learns to
     * reverse strings of 2–6 letters from 1,800 TSV pairs: greedy decoding of the 200 held-out pairs
     * (the last 10% of the lines) must be exactly right for at least 90% of them.
     */
    @Test
    void seq2seqTransformerLearnsToReverseStrings(@TempDir Path tmp) throws Exception {
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = "seq2seq-transformer";
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("text-pairs");
        c.input.data = reversalPairs(tmp, 2_000, 5).toString();
        c.runDir = tmp.resolve("run").toString();
        c.replicas = 2;
        c.text.seqLen = 8;
        c.text.hiddenSize = 32;
        c.text.numHeads = 4;
        c.text.numLayers = 1;
        c.batchSize = 16;
        c.optimization.optimizer = OptimizerChoice.ADAMW;
        c.optimization.lr = 3e-3;
        c.optimization.weightDecay = 0;
        c.optimization.warmupSteps = 30;
        c.optimization.clipGradNorm = 1.0;
        c.epochs = 8;
        c.seed = 1;
        c.recovery.maxAttempts = 1;
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        double exact = summary.result().greedyExactMatch();
        System.out.println("seq2seq reversal: " + summary.json());
        assertTrue(exact >= 0.9, "greedy exact match " + exact + " on the held-out pairs is below 0.9: " + summary.json());
    }

    /**
     * bert-encoder (d 32, 4 heads, 1 layer) on 2 replicas learns to tell, from 1,800 TSV lines
     * {@code text<TAB>label} of 2–6 letters a–f, whether the text holds an 'a' (label y) or not (n):
     * about half the lines hold one, so always answering one label scores at most about 0.6, and
     * the validation accuracy (the last 10% of the lines) must reach 0.9.
     */
    @Test
    void bertEncoderLearnsToClassifyTexts(@TempDir Path tmp) throws Exception {
        SplittableRandom rng = new SplittableRandom(11);
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int len = 2 + rng.nextInt(5);
            for (int k = 0; k < len; k++) text.append((char) ('a' + rng.nextInt(6)));
            tsv.append(text).append('\t').append(text.indexOf("a") >= 0 ? 'y' : 'n').append('\n');
        }
        TrainJobConfig c = new TrainJobConfig();
        c.model.name = "bert-encoder";
        c.input.format = io.ringtrain.jobs.train.InputSettings.format("text-pairs");
        c.input.data = Files.writeString(tmp.resolve("has-a.tsv"), tsv.toString()).toString();
        c.runDir = tmp.resolve("run").toString();
        c.replicas = 2;
        c.text.seqLen = 8;
        c.text.hiddenSize = 32;
        c.text.numHeads = 4;
        c.text.numLayers = 1;
        c.batchSize = 16;
        c.optimization.optimizer = OptimizerChoice.ADAMW;
        c.optimization.lr = 3e-3;
        c.optimization.weightDecay = 0;
        c.optimization.warmupSteps = 30;
        c.optimization.clipGradNorm = 1.0;
        c.epochs = 4;
        c.seed = 2;
        c.recovery.maxAttempts = 1;
        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);
        System.out.println("bert-encoder has-a: " + summary.json());
        assertTrue(summary.testAccuracy() >= 0.9, "validation accuracy " + summary.testAccuracy() + " is below 0.9: " + summary.json());
    }
}
