package io.ringtrain.jobs.train;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.AdamW;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.engine.optim.schedule.CosineAnnealingLR;
import io.ringtrain.engine.optim.schedule.LinearWarmup;
import io.ringtrain.engine.optim.schedule.LrSchedule;
import io.ringtrain.engine.optim.schedule.StepLR;
import io.ringtrain.jobs.models.ModelZoo;
import io.ringtrain.trainer.loop.TrainerConfig;
import io.ringtrain.trainer.sync.ReplicaOptions;
import io.ringtrain.trainer.sync.SyncBatchNorm;

/**
 * What a {@link TrainJobConfig} means for one replica: the model (BatchNorm synchronised when there
 * are several replicas), its optimizer, the LR schedule over the whole run and the trainer settings.
 * The Spark task and a single-JVM run build them the same way, so their results can be compared.
 */
public record TrainingSetup(Module model, Optimizer optimizer, LrSchedule schedule, TrainerConfig trainerConfig) {

    /** {@code microStepsPerEpoch}: the batch plan's steps per epoch (before gradient accumulation). */
    public static TrainingSetup of(TrainJobConfig config, Communicator comm, int microStepsPerEpoch) {
        return of(config, comm, comm, microStepsPerEpoch);
    }

    /**
     * {@code statsComm}: the ring SyncBatchNorm uses; a ring of its own (not {@code comm}, which
     * carries the gradient buckets) keeps its blocking statistics collectives from queueing behind
     * buckets in flight, which otherwise stalls backward until they finish.
     */
    public static TrainingSetup of(TrainJobConfig config, Communicator comm, Communicator statsComm, int microStepsPerEpoch) {
        Module model = ModelZoo.isText(config.model.name)
                ? ModelZoo.createText(config.model.name, config.input.numClasses, config.text.seqLen, config.text.hiddenSize, config.text.numLayers, config.text.numHeads, config.seed)
                : config.model.recipe().create(config.input.inputShape, config.input.numClasses, config.seed);
        OptimizationSettings opt = config.optimization;
        if (config.model.initialWeights != null) loadInitialWeights(model, config.model.initialWeights);
        if (config.syncBatchNorm && statsComm.worldSize() > 1) SyncBatchNorm.convert(model, statsComm);
        Optimizer optimizer = switch (opt.optimizer) {
            case ADAMW -> new AdamW(model.parameters(), opt.lr).weightDecay(opt.weightDecay);
            case SGD -> new SGD(model.parameters(), opt.lr).momentum(opt.momentum).weightDecay(opt.weightDecay).nesterov(opt.nesterov);
        };
        long stepsPerEpoch = (microStepsPerEpoch + opt.accumulationSteps - 1) / opt.accumulationSteps;
        TrainerConfig trainerConfig = new TrainerConfig(config.epochs, config.batchSize, config.seed, opt.accumulationSteps,
                opt.clipGradNorm, false, config.recovery.checkpointEverySteps, config.recovery.keepCheckpoints);
        return new TrainingSetup(model, optimizer, schedule(config, stepsPerEpoch * config.epochs, stepsPerEpoch), trainerConfig);
    }

    /** Gradient buckets as DDP's defaults, with the configured wire compression. */
    public static ReplicaOptions replicaOptions(TrainJobConfig config) {
        return ReplicaOptions.DEFAULTS.withGradientCompression(config.gradientCompression.wire());
    }

    /** Warm start: weights from a safetensors file on any Hadoop file system (a checkpoint in the run folder still wins). */
    static void loadInitialWeights(Module model, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try (var in = p.getFileSystem(new org.apache.hadoop.conf.Configuration()).open(p)) {
            model.loadStateDict(io.ringtrain.engine.io.SafeTensors.read(new java.io.BufferedInputStream(in, 1 << 16), p.toString()).tensors(), true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the initial weights " + path + " (initialWeights): " + e.getMessage(), e);
        }
    }

    static LrSchedule schedule(TrainJobConfig config, long totalSteps, long stepsPerEpoch) {
        OptimizationSettings opt = config.optimization;
        LrSchedule base = switch (opt.schedule) {
            case COSINE -> new CosineAnnealingLR(opt.lr, totalSteps);
            case STEP -> new StepLR(opt.lr, Math.max(1, stepsPerEpoch * Math.max(1, config.epochs / 3)), 0.1);
            case CONSTANT -> step -> opt.lr;
        };
        return opt.warmupSteps > 0 ? new LinearWarmup(base, opt.warmupSteps) : base;
    }
}
