package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.train.GradientCompression;
import io.ringtrain.jobs.train.OptimizerChoice;
import io.ringtrain.jobs.train.TrainJobConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The training flags that {@code train} and {@code retrain} share (a picocli argument group, shown
 * as one section of their help): a config file and the flags that override it. Unset flags leave
 * the file's (or the default) value.
 */
final class TrainingOptions {
    @Option(names = "--config", description = "JSON or YAML file with the training settings (keys as the flags, camelCase); flags override it")
    Path config;
    @Option(names = "--master", description = "Spark master when not under spark-submit (default local[replicas], at most this machine's cores)")
    String master;
    @Option(names = "--model", description = "fmnist-cnn (default, 1×28×28 only), mlp, small-resnet (ResNet-8), lstm-classifier (reads rows), "
            + "transformer-classifier (ViT, patch side ≤ 7 dividing the image), resnet18, resnet50 (torchvision's; cifar stem up to 64 px, ImageNet stem above); text models: char-lstm, char-transformer (--format text), "
            + "seq2seq-transformer (--format text-pairs), bert-encoder (--format text-pairs as text<TAB>one-character label)")
    String model;
    @Option(names = "--replicas", description = "model replicas = barrier tasks (default 2)")
    Integer replicas;
    @Option(names = "--epochs", description = "default 3")
    Integer epochs;
    @Option(names = "--stop-at-accuracy", description = "end training at the first epoch whose test accuracy reaches this fraction, in (0, 1] (the schedule still spans --epochs); needs test data")
    Double stopAtAccuracy;
    @Option(names = "--batch-size", description = "samples per replica per step (default 32)")
    Integer batchSize;
    @Option(names = "--optimizer", description = "sgd (default) or adamw")
    String optimizer;
    @Option(names = "--lr", description = "learning rate (default 0.05)")
    Double lr;
    @Option(names = "--seed", description = "default 42")
    Long seed;
    @Option(names = "--sync-batch-norm", negatable = true, description = "BatchNorm statistics over all replicas (default true); --no-sync-batch-norm: per replica, faster")
    Boolean syncBatchNorm;
    @Option(names = {"--grad-compression", "--gradient-compression"}, description = "gradients on the wire: none (default, float32) or bf16 (half the bytes)")
    String gradientCompression;

    /** The config file's settings (or the defaults) with the given flags applied. */
    TrainJobConfig toConfig() {
        TrainJobConfig c = config != null ? ConfigFiles.read(config, TrainJobConfig.class) : new TrainJobConfig();
        if (model != null) c.model.name = model;
        if (replicas != null) c.replicas = replicas;
        if (epochs != null) c.epochs = epochs;
        if (stopAtAccuracy != null) c.stopAtAccuracy = stopAtAccuracy;
        if (batchSize != null) c.batchSize = batchSize;
        if (optimizer != null) c.optimization.optimizer = OptimizerChoice.parse(optimizer);
        if (lr != null) c.optimization.lr = lr;
        if (seed != null) c.seed = seed;
        if (gradientCompression != null) c.gradientCompression = GradientCompression.parse(gradientCompression);
        if (syncBatchNorm != null) c.syncBatchNorm = syncBatchNorm;
        return c;
    }
}
