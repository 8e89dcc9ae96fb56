package io.ringtrain.jobs.train;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.jobs.testing.LocalSparkTest;
import io.ringtrain.jobs.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sharding = streaming on real Spark: Parquet shards in the run folder, streamed by each replica every epoch. */
class TrainJobStreamingIT extends LocalSparkTest {
    private static TrainJobConfig streaming(Path data, Path run) {
        TrainJobConfig c = TrainJobLocalIT.config(data, run);
        c.input.sharding = Sharding.STREAMING;
        c.input.shuffleBuffer = 256;
        return c;
    }

    /** fmnist-cnn on the bundled 6,000-image Fashion-MNIST sample, 2 replicas × 32, 2 epochs: ≥ 80% test accuracy (1,000 test images). */
    @Test
    void trainsFmnistCnnFromStreamedShards(@TempDir Path tmp) throws Exception {
        TrainJobConfig c = streaming(TestData.bundledSample(), tmp.resolve("run"));
        c.epochs = 2;

        TrainJob.Summary summary = TrainJob.run(spark, c, System.out);

        System.out.println("streaming, 6,000 images, 2 epochs: " + summary.json());
        assertTrue(summary.testAccuracy() >= 0.80, "test accuracy " + summary.testAccuracy() + ": " + summary.json());
        String manifest = Files.readString(tmp.resolve("run/shards/manifest.json"));
        assertTrue(manifest.contains("\"replicas\":2,\"per_shard\":3000,\"records\":6000,\"repeated\":0"), manifest);
        try (Stream<Path> files = Files.list(tmp.resolve("run/shards/data"))) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count(), "one Parquet file per replica");
        }
        assertEquals(2 * 94, new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.json()).path("optimizer_steps").asInt(),
                "⌈3,000 / 32⌉ steps per epoch on every replica");
    }

    /**
     * A run stopped after epoch 1 and rerun with epochs = 2 reuses the shards and ends with the
     * weights of an uninterrupted 2-epoch run (constant LR, so the schedule does not depend on the
     * planned length). 1,251 records: the shards are padded to 626 each by repeating one record.
     * Tolerance 1e-4 of each tensor's largest magnitude, as the other equivalence tests.
     */
    @Test
    void aResumedRunReusesTheShardsAndMatchesAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path data = TestData.idxSubset(TestData.bundledSample(), tmp.resolve("data"), 1251, 200);
        TrainJobConfig straight = streaming(data, tmp.resolve("straight"));
        straight.epochs = 2;
        straight.optimization.schedule = ScheduleChoice.CONSTANT;
        TrainJob.run(spark, straight, System.out);

        TrainJobConfig first = streaming(data, tmp.resolve("resumed"));
        first.epochs = 1;
        first.optimization.schedule = ScheduleChoice.CONSTANT;
        TrainJob.run(spark, first, System.out);
        String manifest = Files.readString(tmp.resolve("resumed/shards/manifest.json"));
        assertTrue(manifest.contains("\"per_shard\":626,\"records\":1251,\"repeated\":1"), manifest);
        TrainJobConfig again = streaming(data, tmp.resolve("resumed"));
        again.epochs = 2;
        again.optimization.schedule = ScheduleChoice.CONSTANT;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainJob.run(spark, again, new PrintStream(console, true, StandardCharsets.UTF_8));

        assertTrue(console.toString(StandardCharsets.UTF_8).contains("reusing the 2 streaming shards"), console.toString(StandardCharsets.UTF_8));
        Map<String, Tensor> expected = SafeTensors.read(tmp.resolve("straight/model.safetensors")).tensors();
        Map<String, Tensor> actual = SafeTensors.read(tmp.resolve("resumed/model.safetensors")).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, t) -> TrainJobLocalIT.assertRelativelyClose(name, t.toArray(), actual.get(name).toArray()));
    }
}
