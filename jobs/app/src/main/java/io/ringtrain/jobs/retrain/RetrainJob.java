package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.Normalization;
import io.ringtrain.jobs.models.ModelProvenance;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.run.RunFolder;
import io.ringtrain.jobs.train.TrainJob;
import io.ringtrain.jobs.train.TrainJobConfig;
import io.ringtrain.trainer.loop.EvalResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One scheduled retraining run: pick the date partitions the policy names, warm-start from the
 * champion (or start from scratch), train on Spark with {@link TrainJob}, evaluate the candidate and
 * the champion on the same fixed holdout (and on the newest partition), register the candidate as
 * a new version, and promote it (move the champion pointer) only when it is better by the margin.
 *
 * <p>Idempotent and restartable: the partitions identify the run (its key); a run whose decision is
 * recorded is a no-op; an interrupted run resumes from its training checkpoints, or reuses its
 * registered candidate, and the champion pointer only ever names a complete version.
 */
public final class RetrainJob {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RetrainJob() {}

    /** Runs and reports; failures become a {@code failed} outcome (the stack trace goes to {@code console}). */
    public static RetrainOutcome run(SparkSession spark, RetrainConfig config, PrintStream console) {
        try {
            config.validate();
            return runChecked(spark, config, console);
        } catch (IllegalArgumentException e) {
            return RetrainOutcome.failed(e.getMessage(), true);
        } catch (RuntimeException e) {
            e.printStackTrace(console);
            return RetrainOutcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        }
    }

    private static RetrainOutcome runChecked(SparkSession spark, RetrainConfig config, PrintStream console) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        TrainJobConfig base = config.train;
        DatePartitions dataset = new DatePartitions(config.dataset, base.input.imageColumn, base.input.labelColumn);
        requireExists(config.holdout, "holdout", hadoop);
        ModelRegistry registry = new ModelRegistry(config.registry, hadoop);
        registry.removeLeftovers();
        Optional<String> champion = registry.champion();

        List<LocalDate> available = dataset.list(hadoop);
        if (available.isEmpty()) throw new IllegalArgumentException("dataset " + config.dataset + " has no date=YYYY-MM-DD partitions");
        RetrainPolicy policy = RetrainPolicy.parse(config.policy);
        List<LocalDate> selected = policy.select(available, registry.processedPartitions());
        List<String> partitions = selected.stream().map(LocalDate::toString).toList();
        if (selected.isEmpty()) {
            return RetrainOutcome.noop("no partitions since the last run (newest: " + available.get(available.size() - 1) + ")", champion.orElse(null), partitions);
        }
        String runKey = runKey(selected);
        JsonNode earlier = registry.decisions().get(runKey);
        if (earlier != null) {
            return RetrainOutcome.noop("partitions " + partitions + " were already processed (run " + runKey + ": "
                    + earlier.path("status").asText() + " " + earlier.path("version").asText() + ")", champion.orElse(null), partitions);
        }

        Dataset<Row> holdout = DataSources.fromDataFrame(DataSources.parquet(spark, null, config.holdout), base.input.imageColumn, base.input.labelColumn, null);
        Dataset<Row> newest = dataset.read(spark, List.of(selected.get(selected.size() - 1)));
        byte[] championWeights = champion.map(v -> registry.readBytes(new Path(registry.versionPath(v), "model.safetensors"))).orElse(null);
        ModelProvenance championModel = champion.map(v -> ModelEvaluation.requireLoadable(championWeights, v).provenance()).orElse(null);

        Optional<String> registered = registry.versionOfRun(runKey);
        String version;
        JsonNode metrics;
        if (registered.isPresent()) {
            // An interrupted run registered its candidate already: reuse it, don't train again.
            version = registered.get();
            metrics = registry.readJson(new Path(registry.versionPath(version), "metrics.json"));
            console.println("ringtrain retrain: reusing candidate " + version + " of interrupted run " + runKey);
            String judgedAgainst = metrics.path("champion").path("version").asText(null);
            if (champion.isPresent() && champion.get().equals(version)) {
                return record(registry, runKey, "promoted", "promoted by the interrupted run; recorded now", version, metrics, champion, partitions, 0);
            }
            if (!java.util.Objects.equals(judgedAgainst, champion.orElse(null))) {
                metrics = decide(metrics.deepCopy(), champion, championWeights == null ? null : ModelEvaluation.evaluate(holdout, championWeights, champion.get(), "holdout"),
                        championWeights == null ? null : ModelEvaluation.evaluate(newest, championWeights, champion.get(), "newest partition"), config.margin);
            }
        } else {
            TrainJobConfig train = JSON.convertValue(base, TrainJobConfig.class);
            train.input.format = io.ringtrain.jobs.train.InputSettings.format("parquet");
            train.input.data = config.dataset + " " + partitions;
            train.runDir = registry.runFolder(runKey).root();
            Dataset<Row> trainRows = dataset.read(spark, selected);
            String warmFrom = null;
            if (config.warmStart && championModel != null && sameArchitecture(championModel, train)) {
                warmFrom = champion.get();
                train.model.initialWeights = new Path(registry.versionPath(warmFrom), "model.safetensors").toString();
                train.input.mean = championModel.image().mean();
                train.input.std = championModel.image().std();
            } else if (train.input.mean == null) {
                try (var job = JobDescription.open(spark.sparkContext(), "ringtrain retrain: normalisation (per-channel mean/std of " + partitions + ")")) {
                    float[][] stats = Normalization.compute(trainRows, train.input.inputShape[0]);
                    train.input.mean = stats[0];
                    train.input.std = stats[1];
                }
            }
            console.println("ringtrain retrain: training on " + partitions + (warmFrom == null ? " from scratch" : " from " + warmFrom));
            TrainJob.Summary summary = TrainJob.run(spark, train, trainRows, holdout, console);
            FaultInjection.at("train");
            RunFolder run = registry.runFolder(runKey);
            byte[] weights = readBytes(run, hadoop, "model.safetensors");
            String candidate = "the candidate of run " + runKey;
            ObjectNode m = JSON.createObjectNode();
            m.set("holdout", evalJson(ModelEvaluation.evaluate(holdout, weights, candidate, "holdout")));
            m.set("newest_partition", evalJson(ModelEvaluation.evaluate(newest, weights, candidate, "newest partition")).put("date", partitions.get(partitions.size() - 1)));
            m.set("training", JSON.valueToTree(summary.result()));
            metrics = decide(m, champion, championWeights == null ? null : ModelEvaluation.evaluate(holdout, championWeights, champion.get(), "holdout"),
                    championWeights == null ? null : ModelEvaluation.evaluate(newest, championWeights, champion.get(), "newest partition"), config.margin);
            version = registry.nextVersion();
            long trainCount, holdoutCount;
            try (var job = JobDescription.open(spark.sparkContext(), "ringtrain retrain: count the training and holdout records (model card)")) {
                trainCount = trainRows.count();
                holdoutCount = holdout.count();
            }
            writeVersion(registry, hadoop, version, runKey, run, train, warmFrom, weights, metrics, trainCount, holdoutCount, config, partitions);
            FaultInjection.at("version");
        }

        boolean promote = metrics.path("decision").asText().equals("promoted");
        if (promote) registry.setChampion(version);
        FaultInjection.at("record");
        return record(registry, runKey, metrics.path("decision").asText(), metrics.path("reason").asText(), version, metrics,
                champion, partitions, promote ? 0 : 10);
    }

    /** Adds the champion's scores and the decision (candidate − champion > margin on holdout accuracy) to the metrics. */
    private static ObjectNode decide(ObjectNode metrics, Optional<String> champion, EvalResult championHoldout, EvalResult championNewest, double margin) {
        ObjectNode c = JSON.createObjectNode();
        c.put("version", champion.orElse(null));
        if (championHoldout != null) {
            c.set("holdout", evalJson(championHoldout));
            c.set("newest_partition", evalJson(championNewest));
        }
        metrics.set("champion", c);
        metrics.put("margin", margin);
        double ours = metrics.path("holdout").path("accuracy").asDouble();
        if (championHoldout == null) {
            metrics.put("decision", "promoted");
            metrics.put("reason", "no champion yet");
        } else {
            double gain = ours - championHoldout.accuracy();
            boolean better = new PromotionRule(margin).promotes(ours, championHoldout.accuracy());
            metrics.put("decision", better ? "promoted" : "rejected");
            metrics.put("reason", String.format(java.util.Locale.ROOT, "holdout accuracy %.4f vs champion %s %.4f: gain %+.4f %s margin %.4f",
                    ours, champion.get(), championHoldout.accuracy(), gain, better ? ">" : "≤", margin));
        }
        return metrics;
    }

    private static RetrainOutcome record(ModelRegistry registry, String runKey, String status, String reason, String version, JsonNode metrics,
                                         Optional<String> previousChampion, List<String> partitions, int exitCode) {
        Double ours = metrics.path("holdout").path("accuracy").isNumber() ? metrics.path("holdout").path("accuracy").asDouble() : null;
        JsonNode ch = metrics.path("champion").path("holdout").path("accuracy");
        Double theirs = ch.isNumber() ? ch.asDouble() : null;
        String servingNow = status.equals("promoted") ? version : previousChampion.orElse(null);
        ObjectNode decision = JSON.createObjectNode();
        decision.put("status", status);
        decision.put("reason", reason);
        decision.put("version", version);
        decision.put("previous_champion", previousChampion.orElse(null));
        decision.set("partitions", JSON.valueToTree(partitions));
        decision.put("recorded", Instant.now().toString());
        registry.recordDecision(runKey, decision.toPrettyString());
        return new RetrainOutcome(status, reason, version, ours, theirs, servingNow, partitions, exitCode);
    }

    private static void writeVersion(ModelRegistry registry, Configuration hadoop, String version, String runKey, RunFolder run, TrainJobConfig train,
                                     String warmFrom, byte[] weights, JsonNode metrics, long trainRows, long holdoutRows, RetrainConfig config,
                                     List<String> partitions) {
        ObjectNode info = JSON.createObjectNode();
        info.put("version", version);
        info.put("run_key", runKey);
        info.put("run_folder", run.root());
        info.put("created", Instant.now().toString());
        ModelProvenance provenance = ModelEvaluation.requireLoadable(weights, "the candidate of run " + runKey).provenance();
        info.put("model", provenance.recipe().label());
        info.put("warm_start_from", warmFrom);
        ObjectNode data = JSON.createObjectNode();
        data.put("dataset", config.dataset);
        data.set("partitions", JSON.valueToTree(partitions));
        data.put("first", partitions.get(0));
        data.put("last", partitions.get(partitions.size() - 1));
        data.put("train_rows", trainRows);
        data.put("holdout", config.holdout);
        data.put("holdout_rows", holdoutRows);
        data.put("policy", config.policy);
        JsonNode configJson = JSON.valueToTree(train);
        String metricsLines = run.exists(hadoop, "metrics.jsonl") ? readText(run, hadoop, "metrics.jsonl") : "";
        String md = ModelCard.markdown(info, metrics, data, provenance, train);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model.safetensors", weights);
        files.put("config.json", utf8(configJson.toPrettyString()));
        files.put("metrics.json", utf8(metrics.toPrettyString()));
        files.put("data.json", utf8(data.toPrettyString()));
        files.put("metrics.jsonl", utf8(metricsLines));
        files.put("model-card.md", utf8(md));
        files.put("model-card.html", utf8(ModelCard.html("ringtrain model " + version + " (" + provenance.recipe().label() + ", " + partitions.get(0) + " … "
                + partitions.get(partitions.size() - 1) + ")", md, metricsLines.lines().filter(l -> !l.isBlank()).toList(), metrics.toString())));
        files.put("version.json", utf8(info.toPrettyString())); // last: its run_key marks the folder as this run's candidate
        registry.writeVersion(version, files);
    }

    /** How a version's model was built and trained, as its weights record it. */
    static ModelProvenance provenanceOf(ModelRegistry registry, String version) {
        return ModelEvaluation.requireLoadable(registry.readBytes(new Path(registry.versionPath(version), "model.safetensors")), version).provenance();
    }

    /** Whether {@code train} builds the champion's model (same recipe, input shape and classes), so its weights can warm-start it. */
    private static boolean sameArchitecture(ModelProvenance champion, TrainJobConfig train) {
        return train.model.recipe().equals(champion.recipe()) && champion.image() != null && Arrays.equals(champion.image().inputShape(), train.input.inputShape)
                && java.util.Objects.equals(champion.image().numClasses(), train.input.numClasses);
    }

    /** The run's identity: its partitions (first_last-nN-hash of the full list). */
    static String runKey(List<LocalDate> partitions) {
        String joined = String.join(",", partitions.stream().map(LocalDate::toString).toList());
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
            return partitions.get(0) + "_" + partitions.get(partitions.size() - 1) + "-n" + partitions.size() + "-" + String.format("%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireExists(String location, String what, Configuration hadoop) {
        Path p = new Path(location);
        try {
            if (!p.getFileSystem(hadoop).exists(p)) throw new IllegalArgumentException(what + " " + location + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the " + what + " " + location + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode evalJson(EvalResult r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("accuracy", r.accuracy());
        n.put("loss", r.loss());
        n.put("count", r.count());
        return n;
    }

    private static byte[] readBytes(RunFolder run, Configuration hadoop, String name) {
        try (var in = run.fs(hadoop).open(run.path(name))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + run.path(name) + ": " + e.getMessage(), e);
        }
    }

    private static String readText(RunFolder run, Configuration hadoop, String name) {
        return new String(readBytes(run, hadoop, name), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
