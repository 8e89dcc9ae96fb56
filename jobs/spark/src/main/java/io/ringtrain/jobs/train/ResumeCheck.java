package io.ringtrain.jobs.train;

import io.ringtrain.engine.io.CorruptCheckpointException;
import io.ringtrain.jobs.run.HadoopCheckpointStore;
import io.ringtrain.jobs.run.RunFolder;
import io.ringtrain.trainer.checkpoint.CheckpointStore;
import io.ringtrain.trainer.checkpoint.Cursor;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads, on the driver and before any task starts, the checkpoint a run would resume from (the
 * newest intact one; corrupt newer ones are reported as warnings) and refuses to resume it under
 * settings that would silently change the run: the number of replicas, the per-replica batch (the
 * two give the global batch and the schedule's length), the seed (the data order) and the model.
 * The one change it accepts, and logs, is the elastic one: a checkpoint of fewer replicas, no
 * fewer than {@code minReplicas}, with larger batches that keep the global batch.
 */
final class ResumeCheck {
    /** Cursor info keys (written by the trainer, the model by {@link ReplicaTask}) and what each means for this job. */
    record Difference(String setting, String recorded, String requested) {
        String describe() {
            return "it was trained with " + setting + " " + recorded + ", this run asks for " + requested;
        }
    }

    private ResumeCheck() {}

    /** The cursor of the newest intact checkpoint in the run folder, once the settings are checked against it; empty if none. */
    static Optional<Cursor> check(TrainJobConfig config, Configuration hadoop, Consumer<String> warnings) {
        CheckpointStore store = HadoopCheckpointStore.forPath(new RunFolder(config.runDir).path("checkpoints").toString(), hadoop, config.recovery.keepCheckpoints);
        Optional<Cursor> cursor;
        try {
            cursor = store.latestCursor(warnings);
        } catch (CorruptCheckpointException e) { // every attempt would meet the same files
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints in " + store.location() + ": " + e.getMessage(), e);
        }
        if (cursor.isPresent()) {
            elasticChange(cursor.get().info(), config).ifPresent(warnings);
            List<Difference> differences = differences(cursor.get().info(), config);
            if (!differences.isEmpty()) {
                List<String> described = new ArrayList<>();
                for (Difference d : differences) described.add(d.describe());
                throw new IllegalArgumentException("cannot resume " + config.runDir + " from its checkpoint at step " + cursor.get().globalStep() + ": "
                        + String.join("; ", described) + ". Give a new --run-dir to start over, or restore "
                        + (differences.size() == 1 ? "that setting" : "those settings") + " to resume");
            }
        }
        return cursor;
    }

    /** The checked settings that differ from those a checkpoint recorded (a setting it did not record is not compared). */
    static List<Difference> differences(Map<String, String> recorded, TrainJobConfig config) {
        List<Difference> out = new ArrayList<>();
        if (elasticChange(recorded, config).isEmpty()) {
            compare(out, recorded, "world_size", "--replicas", Integer.toString(config.replicas));
            compare(out, recorded, "per_rank_batch", "--batch-size", Integer.toString(config.batchSize));
        }
        compare(out, recorded, "seed", "--seed", Long.toString(config.seed));
        compare(out, recorded, ReplicaTask.CHECKPOINT_MODEL, "--model", config.model.label());
        return out;
    }

    /**
     * The one change of replicas and per-replica batch a resume accepts, described for the log: the
     * checkpoint's replica count lies in [--min-replicas, --replicas] and it kept this run's global
     * batch (see {@link ElasticReplicas}). Empty when the checkpoint has this run's own replicas and
     * batch, or a change that must be refused.
     */
    static Optional<String> elasticChange(Map<String, String> recorded, TrainJobConfig config) {
        String world = recorded.get("world_size"), batch = recorded.get("per_rank_batch");
        if (world == null || batch == null) return Optional.empty();
        int w, b;
        try {
            w = Integer.parseInt(world);
            b = Integer.parseInt(batch);
        } catch (NumberFormatException e) {
            return Optional.empty(); // compared as text, and so refused, by differences()
        }
        if (w == config.replicas && b == config.batchSize || !ElasticReplicas.allowsResumeOf(config, w, b)) return Optional.empty();
        return Optional.of("ringtrain: the checkpoint was written by " + w + " replicas of " + b + " samples; resuming it under --replicas "
                + config.replicas + " --batch-size " + config.batchSize + " --min-replicas " + ElasticReplicas.minReplicas(config)
                + " (the same global batch of " + (long) w * b + ", so the same schedule and data order)");
    }

    private static void compare(List<Difference> out, Map<String, String> recorded, String key, String setting, String requested) {
        String was = recorded.get(key);
        if (was != null && !was.equals(requested)) out.add(new Difference(setting, was, requested));
    }
}
