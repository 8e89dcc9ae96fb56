package io.ringtrain.jobs.train;

import io.ringtrain.engine.io.Checkpoint;
import io.ringtrain.engine.io.TrainingState;
import io.ringtrain.engine.nn.Linear;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeCheckTest {
    private static final Map<String, String> RECORDED = Map.of("world_size", "2", "per_rank_batch", "32", "seed", "42", "model", "fmnist-cnn");

    private static TrainJobConfig config(Path run) {
        TrainJobConfig c = new TrainJobConfig();
        c.runDir = run.toString();
        c.replicas = 2;
        c.batchSize = 32;
        c.seed = 42;
        c.model.name = "fmnist-cnn";
        return c;
    }

    private static void checkpoint(Path run, long step, Map<String, String> info) throws Exception {
        Checkpoint.save(run.resolve("checkpoints"), new Linear(2, 2), null, new TrainingState(0, step, step, "", info));
    }

    @Test
    void resumingWithOtherReplicasBatchSeedOrModelIsRefusedNamingEachDifference(@TempDir Path run) throws Exception {
        checkpoint(run, 7, RECORDED);
        TrainJobConfig changed = config(run);
        changed.replicas = 1;
        changed.batchSize = 64;
        changed.seed = 1;
        changed.model.name = "resnet18-cifar";

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResumeCheck.check(changed, new Configuration(), w -> {}));

        assertEquals(1, e.getMessage().lines().count());
        for (String named : List.of("--replicas 2, this run asks for 1", "--batch-size 32, this run asks for 64", "--seed 42, this run asks for 1",
                "--model fmnist-cnn, this run asks for resnet18-cifar", "new --run-dir", "step 7")) {
            assertTrue(e.getMessage().contains(named), e.getMessage());
        }
        assertEquals(7, ResumeCheck.check(config(run), new Configuration(), w -> {}).orElseThrow().globalStep(), "the same settings resume");
    }

    @Test
    void theDriverNamesACorruptNewestCheckpointAndResumesFromThePreviousOne(@TempDir Path run) throws Exception {
        checkpoint(run, 5, RECORDED);
        checkpoint(run, 9, RECORDED);
        Path newest = run.resolve("checkpoints").resolve(Checkpoint.folderName(9)).resolve(Checkpoint.MODEL_FILE);
        Files.write(newest, java.util.Arrays.copyOf(Files.readAllBytes(newest), 40)); // truncated

        List<String> warnings = new ArrayList<>();
        assertEquals(5, ResumeCheck.check(config(run), new Configuration(), warnings::add).orElseThrow().globalStep());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("WARNING: checkpoint file " + newest), warnings.get(0));
    }

    @Test
    void aCheckpointOfFewerReplicasWithTheSameGlobalBatchResumesUnderMinReplicasAndIsLogged(@TempDir Path run) throws Exception {
        checkpoint(run, 11, Map.of("world_size", "2", "per_rank_batch", "48", "seed", "42", "model", "fmnist-cnn"));
        TrainJobConfig elastic = config(run);
        elastic.replicas = 3;
        elastic.batchSize = 32;
        elastic.recovery.minReplicas = 2;
        List<String> logged = new ArrayList<>();

        assertEquals(11, ResumeCheck.check(elastic, new Configuration(), logged::add).orElseThrow().globalStep());
        assertTrue(logged.stream().anyMatch(l -> l.contains("written by 2 replicas of 48 samples") && l.contains("--min-replicas 2")
                && l.contains("global batch of 96")), logged.toString());

        TrainJobConfig strict = config(run); // the same global batch, but no --min-replicas: not an explicit elastic change
        strict.replicas = 3;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ResumeCheck.check(strict, new Configuration(), w -> {}));
        assertTrue(refused.getMessage().contains("--replicas 2, this run asks for 3"), refused.getMessage());
    }

    @Test
    void anElasticResumeStillRefusesAnotherGlobalBatchFewerThanMinReplicasOrAnotherSeed(@TempDir Path run) throws Exception {
        checkpoint(run, 11, Map.of("world_size", "2", "per_rank_batch", "32", "seed", "42", "model", "fmnist-cnn"));
        TrainJobConfig otherGlobal = config(run);
        otherGlobal.replicas = 3;
        otherGlobal.recovery.minReplicas = 2; // 2 × 32 = 64, but this run's global batch is 96
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResumeCheck.check(otherGlobal, new Configuration(), w -> {})).getMessage()
                .contains("--replicas 2, this run asks for 3"));

        TrainJobConfig belowMin = config(run);
        belowMin.replicas = 4;
        belowMin.batchSize = 16;
        belowMin.recovery.minReplicas = 3; // 2 × 32 = 4 × 16, but 2 replicas are fewer than 3
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResumeCheck.check(belowMin, new Configuration(), w -> {})).getMessage()
                .contains("--replicas 2, this run asks for 4"));

        TrainJobConfig otherSeed = config(run);
        otherSeed.replicas = 4;
        otherSeed.batchSize = 16;
        otherSeed.recovery.minReplicas = 2;
        otherSeed.seed = 1;
        String message = assertThrows(IllegalArgumentException.class, () -> ResumeCheck.check(otherSeed, new Configuration(), w -> {})).getMessage();
        assertTrue(message.contains("--seed 42, this run asks for 1") && !message.contains("--replicas"), message);
    }
}
