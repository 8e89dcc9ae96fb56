package io.ringtrain.jobs.train;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;
import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cuda.EngineDevice;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.augment.Augmentation;
import io.ringtrain.jobs.augment.spec.AugmentSpec;
import io.ringtrain.jobs.models.ModelProvenance;
import io.ringtrain.jobs.models.ModelRecipe;
import io.ringtrain.jobs.data.CharVocabulary;
import io.ringtrain.jobs.data.DatasetColumns;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.data.ParquetShard;
import io.ringtrain.jobs.data.RecordSamples;
import io.ringtrain.jobs.data.SequenceColumns;
import io.ringtrain.jobs.data.SequenceRecord;
import io.ringtrain.jobs.data.SequenceSamples;
import io.ringtrain.jobs.models.ModelZoo;
import io.ringtrain.jobs.data.StreamingSamples;
import io.ringtrain.jobs.data.StreamingShards;
import io.ringtrain.jobs.progress.ProgressClient;
import io.ringtrain.jobs.run.HadoopCheckpointStore;
import io.ringtrain.jobs.run.RunFolder;
import io.ringtrain.jobs.train.snapshot.ExecutorSnapshots;
import io.ringtrain.trainer.data.BatchPlan;
import io.ringtrain.trainer.data.GlobalBatchPlan;
import io.ringtrain.trainer.data.Samples;
import io.ringtrain.trainer.data.ShardPlan;
import io.ringtrain.trainer.data.StreamPlan;
import io.ringtrain.trainer.loop.ClassificationObjective;
import io.ringtrain.trainer.loop.Objective;
import io.ringtrain.trainer.loop.StragglerWatch;
import io.ringtrain.trainer.loop.TokenCrossEntropyObjective;
import io.ringtrain.trainer.loop.Trainer;
import io.ringtrain.trainer.loop.TrainingResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.sql.Row;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of one barrier task: one model replica. It binds its collective server on the
 * executor's address, shares {@code host:port} through the barrier all-gather, joins the ring
 * (authenticated with the job secret, generation = this attempt), decodes and augments its records,
 * and runs the {@link Trainer}, which resumes from the newest state every rank can get: the in-memory
 * snapshots the replicas keep in their executors ({@link ExecutorSnapshots}) or the run folder's
 * latest checkpoint. Rank 0
 * reports progress to the driver, writes checkpoints and the final model, and returns the summary.
 */
final class ReplicaTask extends AbstractFunction1<scala.collection.Iterator<Row>, scala.collection.Iterator<String>>
        implements Serializable {
    /** Column of the barrier input that marks test rows (appended after {@link DatasetColumns#SCHEMA}). */
    static final int SPLIT_COLUMN = DatasetColumns.SCHEMA.length();
    /** The same for text models' rows (appended after {@link SequenceColumns#SCHEMA}). */
    static final int SEQUENCE_SPLIT_COLUMN = SequenceColumns.SCHEMA.length();
    /** Cursor info key of the model's name, recorded in every checkpoint so a resume can check it. */
    static final String CHECKPOINT_MODEL = "model";

    private final TrainJobConfig config;
    private final byte[] secret;
    private final String progressAddress;
    private final int attempt;
    private final float[] mean;
    private final float[] std;
    private final String augmentSpec;
    /** Text models' vocabulary (recorded with the model); null for image models. */
    private final CharVocabulary vocabulary;
    /** Whether the job has test data: then every rank evaluates its share, possibly empty (evaluation is a collective). */
    private final boolean evaluates;
    /** sharding = streaming: where each rank's Parquet shard is; null otherwise. */
    private StreamingShards.Layout shards;
    /** Whether this stage stops at its first epoch boundary so the job can grow back (see {@link ElasticReplicas}). */
    private boolean stopAtEpochEnd;

    ReplicaTask(TrainJobConfig config, byte[] secret, String progressAddress, int attempt, float[] mean, float[] std, String augmentSpec,
                CharVocabulary vocabulary, boolean evaluates) {
        this.config = config;
        this.secret = secret;
        this.progressAddress = progressAddress;
        this.attempt = attempt;
        this.mean = mean;
        this.std = std;
        this.augmentSpec = augmentSpec;
        this.vocabulary = vocabulary;
        this.evaluates = evaluates;
    }

    /** Streams the training set from these shards instead of the task's input rows. */
    void streamFrom(StreamingShards.Layout shards) {
        this.shards = shards;
    }

    /** Stops at the first epoch boundary before the last; rank 0 then returns {@link ElasticReplicas#pauseResult}. */
    void stopAtEpochEnd(boolean stop) {
        this.stopAtEpochEnd = stop;
    }

    @Override
    public scala.collection.Iterator<String> apply(scala.collection.Iterator<Row> rows) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        List<Row> trainRows = new ArrayList<>(), testRows = new ArrayList<>();
        int splitColumn = vocabulary != null ? SEQUENCE_SPLIT_COLUMN : SPLIT_COLUMN;
        while (rows.hasNext()) {
            Row row = rows.next();
            (row.getBoolean(splitColumn) ? testRows : trainRows).add(row);
        }
        // A shuffle delivers rows in no fixed order: sort by id (column 0 of both layouts) so every rank indexes the same list.
        trainRows.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        testRows.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        Samples train = samples(trainRows, true, rank);
        Samples test = evaluates ? samples(testRows, false, rank) : null;
        String host = ctx.getTaskInfos()[rank].address();
        host = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        String result;
        scala.Option<org.apache.spark.resource.ResourceInformation> gpus = ctx.resources().get("gpu");
        Backend backend = EngineDevice.backend(TaskDevice.choose(config.model.device, gpus.isDefined() ? gpus.get().addresses() : null));
        // This replica's work runs on its own backend (bound to this task's thread), whatever other tasks of the executor use.
        // Two rings: one for gradients (and counts, metrics), one for SyncBatchNorm's statistics.
        try (Placement.Binding placed = Placement.bind(backend);
             RingServer server = RingServer.bind(InetAddress.getByName(host), 0);
             RingServer statsServer = RingServer.bind(InetAddress.getByName(host), 0)) {
            List<String> gradientPeers = new ArrayList<>(), statsPeers = new ArrayList<>();
            for (String published : ctx.allGather(host + ":" + server.boundPort() + "," + host + ":" + statsServer.boundPort())) {
                gradientPeers.add(published.substring(0, published.indexOf(',')));
                statsPeers.add(published.substring(published.indexOf(',') + 1));
            }
            int generation = attempt * 1000 + ctx.stageAttemptNumber();
            try (Communicator comm = RingCommunicator.connect(server, ringConfig(gradientPeers, rank, generation));
                 Communicator statsComm = RingCommunicator.connect(statsServer, ringConfig(statsPeers, rank, generation))) {
                result = train(comm, statsComm, train, test, ctx, hostsByRank(ctx), generation);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("replica " + rank + " cannot bind its collective server on " + host, e);
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(result == null ? List.<String>of().iterator() : List.of(result).iterator());
    }

    private CommunicatorConfig ringConfig(List<String> peers, int rank, int generation) {
        return CommunicatorConfig.builder().setPeers(peers).setRank(rank).setSecret(secret).optGeneration(generation)
                .optTimeout(Duration.ofSeconds(config.recovery.collectiveTimeoutSeconds)).build();
    }

    /** The rows as the trainer's samples: decoded, augmented images (streamed from this rank's shard), or token sequences. */
    private Samples samples(List<Row> rows, boolean train, int rank) {
        if (vocabulary != null) {
            List<SequenceRecord> records = new ArrayList<>(rows.size());
            for (Row row : rows) records.add(SequenceColumns.toRecord(row));
            if (ModelZoo.isTextClassifier(config.model.name)) return SequenceSamples.classification(records, config.text.seqLen);
            return config.input.textFormat().windows() ? SequenceSamples.languageModel(records, config.text.seqLen) : SequenceSamples.seq2seq(records, config.text.seqLen);
        }
        AugmentSpec spec = !train || augmentSpec == null ? null : AugmentSpec.parse(augmentSpec);
        Augmentation augmentation = spec == null ? null : new Augmentation(spec.pipeline(), config.seed, spec.boxFilter());
        if (train && shards != null) {
            return new StreamingSamples(new ParquetShard(shards.files(rank, new Configuration())), shards.perShard(), config.input.inputShape, mean, std,
                    augmentation, config.input.shuffleBuffer, config.seed, rank, config.batchSize);
        }
        List<ImageRecord> records = new ArrayList<>(rows.size());
        for (Row row : rows) records.add(DatasetColumns.toRecord(row));
        return new RecordSamples(records, config.input.inputShape, mean, std, augmentation);
    }

    /** What the model is trained on: the user's loss when given, per-token cross-entropy for text models (PAD ignored for seq2seq), else classification (images, bert-encoder). */
    static Objective objective(TrainJobConfig config) {
        if (config.getLossFunction() != null) return new UserLossObjective(LossFunction.decode(config.getLossFunction()));
        if (!config.trainsOnText() || ModelZoo.isTextClassifier(config.model.name)) return new ClassificationObjective();
        return new TokenCrossEntropyObjective(config.input.textFormat().windows() ? -1 : CharVocabulary.PAD);
    }

    /** Each rank's host, from the barrier's task infos (a task's index is its rank). */
    private static List<String> hostsByRank(BarrierTaskContext ctx) {
        List<String> hosts = new ArrayList<>();
        for (org.apache.spark.BarrierTaskInfo info : ctx.getTaskInfos()) {
            String address = info.address();
            hosts.add(address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address);
        }
        return hosts;
    }

    private String train(Communicator comm, Communicator statsComm, Samples train, Samples test, BarrierTaskContext ctx, List<String> hosts,
                         int generation) {
        int rank = comm.rank(), world = comm.worldSize();
        BatchPlan plan;
        if (shards != null) {
            plan = new StreamPlan(shards.perShard(), config.batchSize);
        } else if (config.input.sharding == Sharding.REPLICATED) {
            plan = new GlobalBatchPlan(train.size(), world, config.batchSize, config.seed, false);
        } else {
            int smallest = Integer.MAX_VALUE;
            for (String n : ctx.allGather(Integer.toString(train.size()))) smallest = Math.min(smallest, Integer.parseInt(n));
            plan = new ShardPlan(train.size(), smallest, config.batchSize, config.seed, rank);
        }
        TrainingSetup setup = TrainingSetup.of(config, comm, statsComm, plan.stepsPerEpoch());
        Module model = setup.model();
        RunFolder run = new RunFolder(config.runDir);
        Configuration hadoop = new Configuration();
        Trainer.Builder builder = Trainer.builder().setModel(model).setOptimizer(setup.optimizer()).setSchedule(setup.schedule())
                .setObjective(objective(config)).setCommunicator(comm).setConfig(setup.trainerConfig()).optReplicaOptions(TrainingSetup.replicaOptions(config))
                .optCheckpoints(HadoopCheckpointStore.forPath(run.path("checkpoints").toString(), hadoop, config.recovery.keepCheckpoints))
                .optCheckpointInfo(Map.of(CHECKPOINT_MODEL, config.model.label()))
                .optStragglerWatch(new StragglerWatch(config.recovery.stragglerMargin, config.recovery.stragglerSteps)).optRankHosts(hosts).optStopAtEpochEnd(stopAtEpochEnd)
                .optStopAtAccuracy(config.stopAtAccuracy);
        String jobId = ExecutorSnapshots.jobIdOf(secret);
        if (config.recovery.snapshotEverySteps > 0) builder.optSnapshots(ExecutorSnapshots.holder(jobId, generation), config.recovery.snapshotEverySteps);
        ProgressClient progress = null;
        boolean trained = false;
        if (rank == 0) {
            progress = new ProgressClient(progressAddress, secret);
            builder.optListener(progress);
        }
        try {
            Trainer trainer = builder.build();
            TrainingResult result = trainer.fit(train, test, plan);
            trained = true;
            if (rank != 0) return null;
            long totalSteps = (long) ((plan.stepsPerEpoch() + config.optimization.accumulationSteps - 1) / config.optimization.accumulationSteps) * config.epochs;
            if (stopAtEpochEnd && !result.targetReached() && result.optimizerSteps() < totalSteps) return ElasticReplicas.pauseResult(result.optimizerSteps());
            int epochsTrained = result.targetReached() ? (int) (result.optimizerSteps() / (totalSteps / config.epochs)) : config.epochs;
            boolean text = vocabulary != null;
            ModelProvenance provenance = new ModelProvenance(
                    text ? Map.of(ModelRecipe.MODEL, config.model.name) : config.model.recipe().metadata(), // how evaluate and predict rebuild it
                    new ModelProvenance.Training(config.input.data, world, config.seed, epochsTrained, config.getLossFunction()), // evaluate reports the same loss,
                    text ? null : new ModelProvenance.ImageInput(config.input.inputShape, config.input.numClasses, mean, std, config.input.classNames),
                    text ? TextRunOutputs.modelSettings(config, vocabulary) : Map.of(),
                    TrainJob.codeVersion(), result.finalEval() == null ? null : result.finalEval().accuracy());
            run.writeTensors(hadoop, "model.safetensors", model.stateDict(), model.stateDictDtypes(), provenance.toMetadata());
            return new ReplicaSummary(result.optimizerSteps(), result.seconds(),
                    result.finalEval() == null ? null : result.finalEval().accuracy(),
                    result.finalEval() == null ? null : result.finalEval().loss(), result.hiddenCommShare(), world).toJson();
        } finally {
            // the snapshot is for a retry: none follows a finished training or the last attempt
            if (trained || attempt >= config.recovery.maxAttempts) ExecutorSnapshots.release(jobId);
            if (progress != null) progress.close();
            if (train instanceof StreamingSamples streaming) streaming.close();
        }
    }
}
