package io.ringtrain.engine.models;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.AdaptiveAvgPool2d;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.Sequential;

/**
 * The CIFAR ResNet of He et al. 2016 (§4.2) with 6n + 2 layers, for small images of any size:
 * <pre>
 *   x [N, C, H, W] → conv1 3×3 (C→16, pad 1) → bn1 → ReLU                  → [N, 16, H, W]
 *                  → layer1: n × BasicBlock(16)                             → [N, 16, H, W]
 *                  → layer2: n × BasicBlock(32), the first with stride 2    → [N, 32, ⌈H/2⌉, ⌈W/2⌉]
 *                  → layer3: n × BasicBlock(64), the first with stride 2    → [N, 64, ⌈H/4⌉, ⌈W/4⌉]
 *                  → avgpool (global) → flatten → fc (64 → classes)          → logits [N, classes]
 * </pre>
 * n = {@code blocksPerStage}: 1 gives ResNet-8 (78k parameters for 10 classes), 3 ResNet-20 (272k).
 * The stride-2 blocks widen through a 1×1 convolution + BatchNorm projection (the paper's option B;
 * its CIFAR models used zero-padded identity shortcuts, option A). State-dict names follow
 * torchvision's ResNet ({@code conv1.weight}, {@code layer1.0.bn1.running_mean},
 * {@code layer2.0.downsample.0.weight}, {@code fc.bias}), so weights map to PyTorch code built the same way.
 */
public class SmallResNet extends Module {
    private static final int[] WIDTHS = {16, 32, 64};

    private final int[] inputShape;
    private final int blocksPerStage;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential[] stages = new Sequential[WIDTHS.length];
    private final AdaptiveAvgPool2d avgpool = new AdaptiveAvgPool2d(1);
    private final Flatten flatten = new Flatten();
    private final Linear fc;

    /** ResNet-8: one block per stage. */
    public SmallResNet(int[] inputShape, int numClasses) {
        this(inputShape, numClasses, 1);
    }

    /** Initialised from {@link io.ringtrain.engine.nn.Init}'s generator (seed it first for a reproducible model). */
    public SmallResNet(int[] inputShape, int numClasses, int blocksPerStage) {
        if (inputShape == null || inputShape.length != 3 || inputShape[0] < 1 || inputShape[1] < 1 || inputShape[2] < 1) {
            throw new IllegalArgumentException("SmallResNet takes an input shape [channels, height, width] of positive sizes, got "
                    + (inputShape == null ? "null" : Shape.str(inputShape)));
        }
        if (numClasses < 1 || blocksPerStage < 1) {
            throw new IllegalArgumentException("SmallResNet(classes=" + numClasses + ", blocks_per_stage=" + blocksPerStage + "): both must be ≥ 1");
        }
        this.inputShape = inputShape.clone();
        this.blocksPerStage = blocksPerStage;
        conv1 = registerModule("conv1", ResidualBlock.heNormal(new Conv2d(inputShape[0], WIDTHS[0], 3, 1, 1, 1, 1, false)));
        bn1 = registerModule("bn1", new BatchNorm2d(WIDTHS[0]));
        int in = WIDTHS[0];
        for (int s = 0; s < WIDTHS.length; s++) {
            Sequential stage = new Sequential();
            for (int b = 0; b < blocksPerStage; b++) {
                stage.add(new BasicBlock(in, WIDTHS[s], b == 0 && s > 0 ? 2 : 1));
                in = WIDTHS[s];
            }
            stages[s] = registerModule("layer" + (s + 1), stage);
        }
        fc = registerModule("fc", new Linear(in, numClasses));
    }

    /** images [N, C, H, W] (the constructor's shape) → logits [N, classes]. */
    @Override
    public Tensor forward(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || s[1] != inputShape[0] || s[2] != inputShape[1] || s[3] != inputShape[2]) {
            throw new IllegalArgumentException("SmallResNet expects images [N, " + inputShape[0] + ", " + inputShape[1] + ", " + inputShape[2]
                    + "], got shape " + Shape.str(s));
        }
        Tensor x = bn1.forward(conv1.forward(images)).relu();
        for (Sequential stage : stages) x = stage.forward(x);
        return fc.forward(flatten.forward(avgpool.forward(x)));
    }

    /** 6n + 2: the weighted layers counted as in the paper (ResNet-8, -20, -32, ...). */
    public int depth() {
        return 6 * blocksPerStage + 2;
    }
}
