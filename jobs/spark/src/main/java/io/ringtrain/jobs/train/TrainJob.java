package io.ringtrain.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.augment.spec.AugmentSpec;
import io.ringtrain.jobs.data.BadRecords;
import io.ringtrain.jobs.data.DataSources;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.CharVocabulary;
import io.ringtrain.jobs.data.Normalization;
import io.ringtrain.jobs.data.TextSources;
import io.ringtrain.jobs.data.StreamingShards;
import io.ringtrain.jobs.data.formats.DataRequest;
import io.ringtrain.jobs.progress.ProgressDisplay;
import io.ringtrain.jobs.progress.ProgressServer;
import io.ringtrain.jobs.run.JobDescription;
import io.ringtrain.jobs.run.MetricsLog;
import io.ringtrain.jobs.run.RunFolder;
import io.ringtrain.jobs.run.RunReport;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Distributed training on Spark: one model replica per barrier task.
 *
 * <p>The driver checks the cluster can run every replica at once, reads the dataset (decoding
 * happens in the executors), computes the normalisation, routes each replica its records (the
 * whole dataset for {@code replicated} sharding, which makes N replicas exactly one replica with
 * the global batch; one shard each for {@code partitioned}), starts the progress channel and runs
 * the barrier stage. A failed attempt (e.g. a lost executor) is retried up to {@code maxAttempts}
 * times; the replicas then resume from the newest in-memory snapshot or checkpoint they can all get. The user's SparkContext is never
 * stopped; a final failure is a {@link TrainingFailedException}.
 */
public final class TrainJob {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainJob() {}

    /** The outcome: the run's summary (test accuracy, steps, seconds, attempts), its run folder and the attempts this call made. */
    public record Summary(RunSummary result, String runDir, int attempts) {
        /** The summary as summary.json holds it. */
        public String json() {
            return result.toJson();
        }

        /** Accuracy on the test data; NaN without test data. */
        public double testAccuracy() {
            return result.testAccuracy() == null ? Double.NaN : result.testAccuracy();
        }

        /** Mean test loss per sample (for language models: nats per character); NaN without test data. */
        public double testLoss() {
            return result.testLoss() == null ? Double.NaN : result.testLoss();
        }
    }

    public static Summary run(SparkSession spark, TrainJobConfig requested, PrintStream console) {
        return failingTyped(() -> {
            requested.validate();
            TrainJobConfig config = withQualifiedRunDir(spark, requested);
            Optional<Summary> complete = checkResume(spark, config, console);
            if (complete.isPresent()) return complete.get();
            ElasticReplicas elastic = elasticReplicas(spark, config, null, console);
            if (config.trainsOnText()) return runText(spark, config, elastic, console);
            String augmentSpec = readAugmentSpec(spark, config.input.augment); // a bad spec fails before any data is read
            phase(console, "reading " + config.input.data + " (" + config.input.format + ")");
            TrainJobConfig effective = withClassNames(spark, config);
            Dataset<Row> train = load(spark, effective, effective.input.data, true);
            Dataset<Row> test = effective.input.testData != null ? load(spark, effective, effective.input.testData, false) : defaultTest(spark, effective);
            return runLoaded(spark, effective, augmentSpec, train, test, elastic, console);
        });
    }

    /**
     * Text models: reads the text (the vocabulary comes from it and sets numClasses), trains on its
     * windows or pairs, then shows what the model does (see {@link TextRunOutputs}).
     */
    private static Summary runText(SparkSession spark, TrainJobConfig config, ElasticReplicas elastic, PrintStream console) throws Exception {
        phase(console, "reading " + config.input.data + " (" + config.input.format + ")");
        TextSources.TextDataset text = TextSources.read(spark, config.input.textFormat(), config.input.data, config.input.testData, config.text.seqLen, config.text.windowStride(),
                config.text.validationFraction);
        TrainJobConfig effective = JSON.convertValue(config, TrainJobConfig.class);
        effective.input.numClasses = text.vocabulary().size();
        console.printf(java.util.Locale.ROOT, "%s: vocabulary of %d tokens, %d training and %d validation %s%n", config.input.data, text.vocabulary().size(),
                text.trainRecords(), text.validationRecords(), config.input.textFormat().windows() ? "windows" : "pairs");
        Summary trained = trainChecked(spark, effective, text.train(), text.validation(), null, List.of(), text.vocabulary(), elastic, console);
        return TextRunOutputs.afterTraining(spark, effective, text, trained, console);
    }

    /**
     * Trains on DataFrames already in the {@link DatasetColumns} layout (e.g. from {@link DataSources}
     * or the Spark ML estimator) instead of reading {@code config.input.data}, which then only names the data
     * in the model's provenance. {@code test} may be null (no evaluation during training).
     */
    public static Summary run(SparkSession spark, TrainJobConfig requested, Dataset<Row> train, Dataset<Row> test, PrintStream console) {
        return run(spark, requested, train, test, console, null);
    }

    /** As above, with the cluster's task slots as {@code slots} reports them (tests of the elastic rule); null: as Spark reports them. */
    static Summary run(SparkSession spark, TrainJobConfig requested, Dataset<Row> train, Dataset<Row> test, PrintStream console,
                       java.util.function.IntSupplier slots) {
        return failingTyped(() -> {
            requested.validate();
            TrainJobConfig config = withQualifiedRunDir(spark, requested);
            Optional<Summary> complete = checkResume(spark, config, console);
            if (complete.isPresent()) return complete.get();
            ElasticReplicas elastic = elasticReplicas(spark, config, slots, console);
            String augmentSpec = readAugmentSpec(spark, config.input.augment);
            return runLoaded(spark, config, augmentSpec, DatasetColumns.select(train), test == null ? null : DatasetColumns.select(test), elastic, console);
        });
    }

    /**
     * The config with its run folder qualified on the driver: an absolute local path, or a URI on
     * the default file system. Executors run in their own working directories, where a relative
     * folder ("runs/latest") would be a different one on each, and a retry would find no checkpoint.
     */
    static TrainJobConfig withQualifiedRunDir(SparkSession spark, TrainJobConfig config) throws IOException {
        String qualified = qualifiedRunDir(config.runDir, spark.sparkContext().hadoopConfiguration());
        if (qualified.equals(config.runDir)) return config;
        TrainJobConfig effective = JSON.convertValue(config, TrainJobConfig.class);
        effective.runDir = qualified;
        return effective;
    }

    static String qualifiedRunDir(String runDir, org.apache.hadoop.conf.Configuration hadoop) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(runDir);
        org.apache.hadoop.fs.Path qualified = path.getFileSystem(hadoop).makeQualified(path);
        return qualified.toUri().getScheme().equals("file") ? qualified.toUri().getPath() : qualified.toString();
    }

    /**
     * Before anything starts: refuses to resume the run folder's checkpoint under changed settings
     * (see {@link ResumeCheck}), warns of corrupt checkpoints, and returns the run's summary,
     * changing nothing, when the folder holds a finished run.
     */
    private static Optional<Summary> checkResume(SparkSession spark, TrainJobConfig config, PrintStream console) throws IOException {
        var hadoop = spark.sparkContext().hadoopConfiguration();
        Optional<io.ringtrain.trainer.checkpoint.Cursor> cursor = ResumeCheck.check(config, hadoop, console::println);
        RunFolder run = new RunFolder(config.runDir);
        RunSummary finished = cursor.isEmpty() || !run.exists(hadoop, "summary.json") ? null : readFinished(run.readText(hadoop, "summary.json"));
        if (finished != null && cursor.get().epoch() >= config.epochs) {
            console.println(config.runDir + " is already complete at step " + cursor.get().globalStep() + " (" + config.epochs
                    + " epochs); nothing was changed. Give a new --run-dir to train again, or more --epochs to continue it");
            return Optional.of(new Summary(finished, config.runDir, 0));
        }
        if (finished != null && reachedTarget(finished, cursor.get(), config.stopAtAccuracy)) {
            console.printf(java.util.Locale.ROOT, "%s is already complete at step %d: its test accuracy %.2f%% reached stopAtAccuracy %.2f%%; nothing was changed."
                    + " Give a new --run-dir to train again, or a higher --stop-at-accuracy to continue it%n", config.runDir, cursor.get().globalStep(),
                    100 * finished.testAccuracy(), 100 * config.stopAtAccuracy);
            return Optional.of(new Summary(finished, config.runDir, 0));
        }
        cursor.ifPresent(c -> console.println("resuming " + config.runDir + " from its checkpoint at step " + c.globalStep()));
        return Optional.empty();
    }

    /**
     * Whether a finished run's summary describes the checkpoint's state (same step, an epoch's end)
     * and its test accuracy reaches {@code target}: the trainer would evaluate that state and stop
     * at once ({@code Trainer.Builder#optStopAtAccuracy}), so there is nothing to start.
     */
    static boolean reachedTarget(RunSummary finished, io.ringtrain.trainer.checkpoint.Cursor cursor, Double target) {
        return target != null && cursor.microStep() == 0 && finished.optimizerSteps() != null && finished.optimizerSteps() == cursor.globalStep()
                && finished.testAccuracy() != null && finished.testAccuracy() >= target;
    }

    /** A finished run's summary; null for a failed job's, or one that cannot be read (the run is then trained on). */
    private static RunSummary readFinished(String json) {
        try {
            RunSummary summary = RunSummary.fromJson(json, "summary.json");
            return summary.isFailed() ? null : summary;
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }

    /**
     * The slot check before anything is read: no dynamic allocation, and at least {@code minReplicas}
     * slots within the waits {@link ElasticReplicas} describes (else a {@link CapacityException}).
     */
    private static ElasticReplicas elasticReplicas(SparkSession spark, TrainJobConfig config, java.util.function.IntSupplier slots, PrintStream console) {
        SparkContext sc = spark.sparkContext();
        ClusterCheck.refuseDynamicAllocation(sc);
        ElasticReplicas elastic = slots == null ? ElasticReplicas.of(config, sc)
                : new ElasticReplicas(config, slots, true, ClusterCheck.PROGRESS_EVERY_MILLIS, sc.master());
        elastic.await(console);
        return elastic;
    }

    private interface JobBody {
        Summary run() throws Exception;
    }

    /** Bad settings stay IllegalArgumentException; everything else (Spark's checked exceptions too) becomes TrainingFailedException. */
    private static Summary failingTyped(JobBody body) {
        try {
            return body.run();
        } catch (TrainingFailedException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new TrainingFailedException("training failed: " + rootMessage(e), e);
        }
    }

    /** Images: drops (skip) or rejects (fail) bad records, then trains. */
    private static Summary runLoaded(SparkSession spark, TrainJobConfig config, String augmentSpec, Dataset<Row> train, Dataset<Row> test,
                                     ElasticReplicas elastic, PrintStream console) throws Exception {
        List<BadRecords.Filtered> filtered = new ArrayList<>();
        if (config.input.onBadRecord == BadRecordPolicy.SKIP) {
            phase(console, "checking every record (--on-bad-record skip drops the bad ones)");
            try (var job = JobDescription.open(spark.sparkContext(), "ringtrain train: bad-record check (" + config.input.data + ")")) {
                filtered.add(BadRecords.drop(train, "train", config.input.inputShape, config.input.numClasses, augmentSpec, config.seed));
                train = filtered.get(0).kept();
                if (test != null) {
                    filtered.add(BadRecords.drop(test, "test", config.input.inputShape, config.input.numClasses, null, config.seed));
                    test = filtered.get(1).kept();
                }
            }
        } else {
            phase(console, "checking the labels");
            checkLabels(train, config.input.numClasses, config.input.data);
        }
        try {
            return trainChecked(spark, config, train, test, augmentSpec, filtered, null, elastic, console);
        } finally {
            filtered.forEach(BadRecords.Filtered::release);
        }
    }

    /** {@code vocabulary}: null for images; for text models the records are in the SequenceColumns layout. */
    private static Summary trainChecked(SparkSession spark, TrainJobConfig config, Dataset<Row> train, Dataset<Row> test, String augmentSpec,
                                        List<BadRecords.Filtered> filtered, CharVocabulary vocabulary, ElasticReplicas elastic, PrintStream console)
            throws Exception {
        TrainJobConfig.require(config.stopAtAccuracy == null || test != null, "stopAtAccuracy", config.stopAtAccuracy,
                "unset, since " + config.input.data + " has no test split to measure the accuracy on (give --test-data)");
        SparkContext sc = spark.sparkContext();
        ProgressDisplay display = new ProgressDisplay(console);
        RunFolder run = new RunFolder(config.runDir);
        var hadoop = sc.hadoopConfiguration();
        float[] mean = config.input.mean, std = config.input.std;
        if (vocabulary != null) run.writeText(hadoop, TextRunOutputs.VOCABULARY_FILE, vocabulary.toJson());
        if (vocabulary == null && mean == null) {
            phase(console, "computing the normalisation (mean and std per channel) over the training images");
            try (var job = JobDescription.open(sc, "ringtrain train: normalisation (per-channel mean/std of " + config.input.data + ")")) {
                float[][] stats = Normalization.compute(train, config.input.inputShape[0]);
                mean = stats[0];
                std = stats[1];
            }
            console.println("normalisation: --mean " + joined(mean) + " --std " + joined(std) + " (pass these to skip the pass next time)");
        }
        StreamingShards.Layout shards = null;
        if (config.input.sharding == Sharding.STREAMING) {
            try (var job = JobDescription.open(sc, "ringtrain train: streaming shards (" + config.input.data + ", " + config.replicas + " replicas)")) {
                shards = StreamingShards.writeOrReuse(spark, train, config.runDir, config.replicas, config.seed, shardFingerprint(config), console);
            }
        }
        java.util.Map<Integer, JavaRDD<Row>> inputs = new java.util.HashMap<>(); // the barrier stage's input by replica count, routed when first needed
        int world = elastic.offeredNow(console);
        routed(inputs, train, test, ElasticReplicas.stageConfig(config, world)); // before the attempts: bad data here is not retried
        byte[] secret = jobSecret(sc.getConf(), console);
        String configJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        run.writeText(hadoop, "config.json", configJson);

        MetricsLog metrics = MetricsLog.open(run, hadoop);
        for (BadRecords.Filtered f : filtered) {
            metrics.add(f.skipped().metricsLine());
            if (f.skipped().skipped() > 0) console.println(f.skipped().warning());
        }
        InetAddress driverHost = driverAddress(sc);
        String description = "ringtrain train: " + config.model.label() + " on " + config.input.data + " (" + config.replicas + " replicas)";
        try (var job = JobDescription.open(sc, description); ProgressServer progress = new ProgressServer(driverHost, secret, line -> {
            metrics.add(line);
            display.accept(line);
        }, () -> display.phase("replicas ready (data and model loaded); waiting for the first step")); ReplicaFailures replicaFailures = ReplicaFailures.listen(sc)) {
            List<Culprit> culprits = new ArrayList<>(); // one per failed attempt that named one
            int failedAttempts = 0;
            int previousWorld = 0;
            for (int attempt = 1; ; attempt++) {
                progress.disconnectAll(); // a failed attempt's late lines are not taken as this one's
                replicaFailures.reset();
                metrics.attempt(attempt);
                String replicaChange = elastic.change(attempt, previousWorld, world, config);
                if (replicaChange != null) {
                    metrics.add(replicaChange);
                    display.phase(ElasticReplicas.describe(world, config));
                }
                display.replicas(world, config.replicas);
                previousWorld = world;
                TrainJobConfig stage = ElasticReplicas.stageConfig(config, world);
                // a retry's description in the Spark UI names whom the previous attempt was blamed on
                String attemptDescription = culprits.isEmpty() ? description
                        : description + " attempt " + attempt + ", after " + culprits.get(culprits.size() - 1).describe();
                SlotWatch slotWatch = SlotWatch.start(sc, world, ElasticReplicas.minReplicas(config), config.recovery.slotWaitSeconds * 1000L);
                try (var attemptJob = JobDescription.open(sc, attemptDescription); slotWatch) {
                    JavaRDD<Row> input = routed(inputs, train, test, stage);
                    display.phase("starting " + world + " replicas (a Spark barrier stage: each gets its records and builds the model)");
                    ReplicaTask task = new ReplicaTask(stage, secret, progress.address(), attempt, mean, std, augmentSpec, vocabulary, test != null);
                    task.streamFrom(shards);
                    task.stopAtEpochEnd(elastic.pausesToGrow(world));
                    RDD<String> out = input.rdd().barrier().mapPartitions(task, false, scala.reflect.ClassTag$.MODULE$.apply(String.class));
                    List<String> results = new JavaRDD<>(out, scala.reflect.ClassTag$.MODULE$.apply(String.class)).collect();
                    display.finish();
                    if (results.size() != 1) throw new IllegalStateException("expected one summary from rank 0, got " + results.size());
                    if (ElasticReplicas.isPause(results.get(0))) { // stopped at an epoch boundary: the next stage may grow
                        world = elastic.offeredNow(console);
                        continue;
                    }
                    ReplicaSummary replica = JSON.readValue(results.get(0), ReplicaSummary.class);
                    RunSummary summary = elastic.withChanges(RunSummary.of(replica).withSkipped(skipped(filtered)).withAttempts(attempt, culprits));
                    run.writeText(hadoop, "summary.json", summary.toJson());
                    metrics.flush();
                    run.writeText(hadoop, "report.html", RunReport.html(description, metrics.lines(), summary.toJson(), configJson));
                    return new Summary(summary, config.runDir, attempt);
                } catch (Exception e) { // SparkException is checked, thrown from Scala code
                    display.finish();
                    metrics.flush();
                    for (Throwable replica : replicaFailures.await(world)) e.addSuppressed(replica); // RootCause reads them all
                    Optional<Culprit> culprit = Culprit.of(e, replicaFailures);
                    culprit.ifPresent(c -> {
                        culprits.add(c);
                        metrics.add(c.metricsLine());
                        metrics.flush();
                    });
                    // slots that stayed missing for the whole wait: a retry would wait for the same ones,
                    // unless the job may go on with fewer replicas (--min-replicas), which the retry's wait decides
                    if (slotWatch.shortfall() != null && ElasticReplicas.minReplicas(config) >= world) throw slotWatch.shortfall();
                    String why = rootMessage(e) + culprit.map(c -> "; culprit: " + c.describe()).orElse("");
                    boolean badInput = isConfigurationError(e);
                    if (++failedAttempts >= config.recovery.maxAttempts || badInput) {
                        String message = "training failed after " + attempt + " attempt(s): " + why
                                + (badInput ? "" : "; the run folder " + config.runDir + " keeps the checkpoints, rerun the same command to resume");
                        TrainingFailedException failed = new TrainingFailedException(message, e);
                        try {
                            run.writeText(hadoop, "summary.json", elastic.withChanges(RunSummary.failed(message).withAttempts(attempt, culprits)).toJson());
                        } catch (RuntimeException notWritten) { // the training failure is the one to report
                            failed.addSuppressed(notWritten);
                        }
                        throw failed;
                    }
                    console.println("ringtrain: attempt " + attempt + " failed (" + why + "); retrying from the newest snapshot or checkpoint");
                    world = elastic.await(console);
                }
            }
        } catch (IOException e) {
            throw new TrainingFailedException("cannot open the progress channel on the driver (" + driverHost + "): " + e.getMessage(), e);
        }
    }

    /** The barrier stage's input for {@code stage.replicas} replicas, routed on first use. */
    private static JavaRDD<Row> routed(java.util.Map<Integer, JavaRDD<Row>> inputs, Dataset<Row> train, Dataset<Row> test, TrainJobConfig stage) {
        JavaRDD<Row> input = inputs.get(stage.replicas);
        if (input == null) {
            // With adaptive query execution, turning a Dataset into an RDD already runs its shuffles.
            try (var job = JobDescription.open(train.sparkSession().sparkContext(), "ringtrain train: route the records to the " + stage.replicas
                    + " replicas (" + stage.input.data + ")")) {
                input = routeToReplicas(train, test, stage);
            }
            inputs.put(stage.replicas, input);
        }
        return input;
    }

    private static List<BadRecords.Skipped> skipped(List<BadRecords.Filtered> filtered) {
        return filtered.stream().map(BadRecords.Filtered::skipped).toList();
    }

    /** Fails on the driver, before any task starts, when a label lies outside [0, numClasses). */
    static void checkLabels(Dataset<Row> data, int numClasses, String source) {
        Dataset<Row> bad = data.filter(org.apache.spark.sql.functions.col("label").lt(0)
                .or(org.apache.spark.sql.functions.col("label").geq(numClasses)));
        List<Row> examples;
        long count;
        try (var job = JobDescription.open(data.sparkSession().sparkContext(), "ringtrain train: label check (labels of " + source
                + " within [0, " + (numClasses - 1) + "])")) {
            examples = bad.select("id", "label", "source").limit(3).collectAsList();
            count = examples.isEmpty() ? 0 : bad.count();
        }
        if (!examples.isEmpty()) {
            Row first = examples.get(0);
            throw new IllegalArgumentException(count + " record(s) in " + source + " have a label outside [0, " + (numClasses - 1) + "], e.g. label "
                    + first.getInt(1) + " of " + (first.isNullAt(2) ? "record id " + first.getLong(0) : first.getString(2))
                    + "; fix the labels or set numClasses (--num-classes) to the number of classes");
        }
    }

    /** Bad input and settings fail every attempt the same way: don't retry them. */
    private static boolean isConfigurationError(Throwable e) {
        return RootCause.isBadInput(e);
    }

    static String rootMessage(Throwable e) {
        return RootCause.message(e);
    }

    static Dataset<Row> load(SparkSession spark, TrainJobConfig config, String path, boolean train) {
        return config.input.imageFormat().labelled(spark, dataRequest(config, path, train));
    }

    /** What training asks of its image format: with onBadRecord skip an unknown class folder's records are dropped and reported, not fatal. */
    private static DataRequest dataRequest(TrainJobConfig config, String path, boolean train) {
        return new DataRequest(path, train, config.input.classNames, config.input.onBadRecord == BadRecordPolicy.FAIL, config.input.imageColumn, config.input.labelColumn, false);
    }

    /**
     * An image-folder job without classNames gets the training set's sorted folder names, so the
     * test set is labelled by name with the same numbering and the names are saved with the model.
     * More folders than numClasses fail, or with onBadRecord skip, the classes are the first
     * numClasses names and the other folders' records are skipped and reported (label −1).
     */
    static TrainJobConfig withClassNames(SparkSession spark, TrainJobConfig config) {
        if (config.input.classNames != null) return config;
        java.util.List<String> classes = config.input.imageFormat().layoutClassNames(spark, config.input.data);
        if (classes == null) return config;
        if (classes.size() > config.input.numClasses) {
            if (config.input.onBadRecord == BadRecordPolicy.FAIL) {
                throw new IllegalArgumentException(config.input.data + " holds " + classes.size() + " class folders " + classes + " but numClasses is "
                        + config.input.numClasses + "; set numClasses to " + classes.size());
            }
            classes = new java.util.ArrayList<>(classes.subList(0, config.input.numClasses));
        }
        TrainJobConfig effective = JSON.convertValue(config, TrainJobConfig.class);
        effective.input.classNames = classes;
        return effective;
    }

    /** The test set when testData is not given: an IDX folder's test split, a VOC folder's test (or val) split, else none. */
    static Dataset<Row> defaultTest(SparkSession spark, TrainJobConfig config) {
        return config.input.imageFormat().defaultTest(spark, dataRequest(config, config.input.data, false));
    }

    /** What the streaming shards are made of: a rerun reuses them only when this is unchanged. */
    static String shardFingerprint(TrainJobConfig config) {
        return "data=" + config.input.data + ";format=" + config.input.format + ";onBadRecord=" + config.input.onBadRecord + ";seed=" + config.seed
                + ";numClasses=" + config.input.numClasses + ";inputShape=" + java.util.Arrays.toString(config.input.inputShape)
                + ";classNames=" + config.input.classNames; // the shards hold labels, numbered by these names
    }

    /**
     * The barrier stage's input, one partition per replica: with replicated sharding every partition
     * holds every training row; with partitioned sharding a row goes to partition {@link #replicaOf}(id);
     * with streaming sharding no training row (the replicas read their Parquet shards).
     * Test rows are spread over the replicas in every case (evaluation is split and all-reduced).
     */
    static JavaRDD<Row> routeToReplicas(Dataset<Row> train, Dataset<Row> test, TrainJobConfig config) {
        int n = config.replicas;
        boolean replicated = config.input.sharding == Sharding.REPLICATED;
        boolean streaming = config.input.sharding == Sharding.STREAMING;
        JavaPairRDD<Integer, Row> trainRows = streaming
                ? org.apache.spark.api.java.JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext()).<Tuple2<Integer, Row>>emptyRDD()
                        .mapToPair(t -> t)
                : train.toJavaRDD().flatMapToPair(row -> {
            List<Tuple2<Integer, Row>> out = new ArrayList<>();
            if (replicated) {
                for (int r = 0; r < n; r++) out.add(new Tuple2<>(r, withSplit(row, false)));
            } else {
                out.add(new Tuple2<>(replicaOf(row.getLong(0), n), withSplit(row, false)));
            }
            return out.iterator();
        });
        JavaPairRDD<Integer, Row> all = trainRows;
        if (test != null) {
            all = all.union(test.toJavaRDD().mapToPair(row -> new Tuple2<>(replicaOf(row.getLong(0), n), withSplit(row, true))));
        }
        return all.partitionBy(new HashPartitioner(n)).values();
    }

    /**
     * The replica a record id goes to: a multiplicative hash of the id mod N, so ids with structure
     * (text windows at multiples of the stride) spread as evenly as consecutive ones.
     */
    static int replicaOf(long id, int n) {
        return Math.floorMod(Long.hashCode(id * 0x9E3779B97F4A7C15L), n);
    }

    private static Row withSplit(Row row, boolean test) {
        Object[] values = new Object[row.length() + 1];
        for (int i = 0; i < row.length(); i++) values[i] = row.get(i);
        values[row.length()] = test;
        return RowFactory.create(values);
    }

    /**
     * A fresh random 32-byte key for this job's ring and progress ports, shipped to the tasks in
     * the task closure. {@code spark.authenticate.secret} is never used as that key (a word chosen
     * by hand would be guessable offline from one recorded handshake); it guards Spark's RPC, which
     * carries this key, so a weak one is warned about on {@code console}, once.
     */
    static byte[] jobSecret(SparkConf conf, PrintStream console) {
        String warning = weakSparkSecretWarning(conf.get("spark.authenticate.secret", null));
        if (warning != null) console.println(warning);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    static final int MIN_SPARK_SECRET_CHARS = 16;
    static final int MIN_SPARK_SECRET_DISTINCT_CHARS = 8;

    /**
     * The warning for a {@code spark.authenticate.secret} that is set but weak: under {@value
     * #MIN_SPARK_SECRET_CHARS} characters, or fewer than {@value #MIN_SPARK_SECRET_DISTINCT_CHARS}
     * different characters (a repeated word); null when unset or not weak by that rule.
     */
    static String weakSparkSecretWarning(String sparkSecret) {
        if (sparkSecret == null || sparkSecret.isEmpty()) return null;
        long distinct = sparkSecret.codePoints().distinct().count();
        if (sparkSecret.length() >= MIN_SPARK_SECRET_CHARS && distinct >= MIN_SPARK_SECRET_DISTINCT_CHARS) return null;
        return "ringtrain: WARNING: spark.authenticate.secret is weak (" + sparkSecret.length() + " characters, " + distinct
                + " different; want at least " + MIN_SPARK_SECRET_CHARS + " and " + MIN_SPARK_SECRET_DISTINCT_CHARS
                + "): it guards the Spark RPC that carries this job's ring key to the tasks; set it to random bytes, e.g. $(openssl rand -base64 32)";
    }

    static InetAddress driverAddress(SparkContext sc) {
        String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new TrainingFailedException("cannot resolve the driver host '" + host + "' (spark.driver.host)", e);
        }
    }

    static String readAugmentSpec(SparkSession spark, String spec) {
        return readAugmentSpec(spark.sparkContext().hadoopConfiguration(), spec);
    }

    /**
     * The augmentation spec's text ({@code spec} is a file, local or Hadoop URI, or the spec itself),
     * checked for training: a bad spec fails here, with one line naming the item, before any data is read.
     */
    public static String readAugmentSpec(org.apache.hadoop.conf.Configuration hadoop, String spec) {
        if (spec == null || spec.isBlank()) return null;
        String text = spec;
        if (!spec.trim().startsWith("[") && !spec.trim().startsWith("{") && !spec.contains("\n")) {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(spec); // spec text is no URI: only a file name is parsed as one
            try (var in = p.getFileSystem(hadoop).open(p)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the augmentation spec " + spec + ": " + e.getMessage(), e);
            }
        }
        AugmentSpec.parseForTraining(text); // fail on the driver, before any task starts (and a normalize step: the job normalises)
        return text;
    }

    /** One line saying what the driver does next, so the console is never silent for long before the first step. */
    private static void phase(PrintStream console, String what) {
        console.println(what + "…");
    }

    private static String joined(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (float v : values) sb.append(sb.length() == 0 ? "" : ",").append(v);
        return sb.toString();
    }

    /** The artifact's version, recorded in every saved model. */
    public static String codeVersion() {
        String v = TrainJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
