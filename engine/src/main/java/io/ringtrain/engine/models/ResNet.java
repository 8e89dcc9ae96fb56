package io.ringtrain.engine.models;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.AdaptiveAvgPool2d;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.MaxPool2d;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;

import java.util.Arrays;

/**
 * torchvision's ResNet (He et al. 2016; Bottleneck as v1.5) for images of any channel count:
 * <pre>
 *   x [N, C, H, W] → stem                                                  → [N, 64, H/4, W/4] (ImageNet) or [N, 64, H, W] (cifar)
 *                  → layer1: blocks[0] × block(64)                          (stride 1)
 *                  → layer2: blocks[1] × block(128), the first of stride 2
 *                  → layer3: blocks[2] × block(256), the first of stride 2
 *                  → layer4: blocks[3] × block(512), the first of stride 2  → [N, 512·e, ⌈·/8⌉, ⌈·/8⌉]
 *                  → avgpool (adaptive, 1×1) → flatten → fc (512·e → classes) → logits [N, classes]
 *   stem IMAGENET: conv1 7×7 stride 2 pad 3 → bn1 → ReLU → max-pool 3×3 stride 2 pad 1 (torchvision's)
 *   stem CIFAR:    conv1 3×3 stride 1 pad 1 → bn1 → ReLU (no max-pool), for inputs of 32×32 or so
 * </pre>
 * e is the block's expansion (1 for {@link BasicBlock}, 4 for {@link Bottleneck}). State-dict names
 * and order are torchvision's ({@code conv1.weight}, {@code bn1.num_batches_tracked},
 * {@code layer1.0.conv1.weight}, {@code layer2.0.downsample.0.weight}, {@code fc.bias}), so a
 * torchvision state dict saved as safetensors loads by name (tools/weights/torchvision_resnet_to_safetensors.py).
 * Initialised as torchvision (Kaiming-normal fan-out convolutions, BatchNorm γ = 1 and β = 0,
 * PyTorch's default Linear) from {@link io.ringtrain.engine.nn.Init}'s generator.
 */
public class ResNet extends Module {
    /** Where the network starts: torchvision's ImageNet stem, or the 3×3 stem of CIFAR ResNets that keeps small inputs' resolution. */
    public enum Stem { IMAGENET, CIFAR }

    /** Which residual block the stages are made of. */
    public enum Block { BASIC, BOTTLENECK }

    private static final int STAGES = 4;

    private final String name;
    private final int inChannels;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final ReLU relu = new ReLU(true); // in place after bn1, as torchvision's stem
    private final MaxPool2d maxpool;
    private final Sequential[] layers = new Sequential[STAGES];
    private final AdaptiveAvgPool2d avgpool = new AdaptiveAvgPool2d(1);
    private final Linear fc;

    /** ResNet-18: BasicBlocks [2, 2, 2, 2], 11.7M parameters at 3 channels and 1000 classes. */
    public static ResNet resnet18(int inChannels, int numClasses, Stem stem) {
        return new ResNet("resnet18", Block.BASIC, new int[] {2, 2, 2, 2}, 64, inChannels, numClasses, stem);
    }

    /** ResNet-50: Bottlenecks [3, 4, 6, 3], 25.6M parameters at 3 channels and 1000 classes. */
    public static ResNet resnet50(int inChannels, int numClasses, Stem stem) {
        return new ResNet("resnet50", Block.BOTTLENECK, new int[] {3, 4, 6, 3}, 64, inChannels, numClasses, stem);
    }

    /**
     * Stages of {@code blocksPerStage[s]} blocks, {@code width·2^s} planes each (torchvision: width 64;
     * narrower ones serve tests that need a small network of the same structure).
     */
    public ResNet(String name, Block block, int[] blocksPerStage, int width, int inChannels, int numClasses, Stem stem) {
        if (blocksPerStage == null || blocksPerStage.length != STAGES || Arrays.stream(blocksPerStage).anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException(name + ": blocks per stage must be " + STAGES + " counts ≥ 1, got " + Arrays.toString(blocksPerStage));
        }
        if (width < 1 || inChannels < 1 || numClasses < 1) {
            throw new IllegalArgumentException(name + "(width=" + width + ", channels=" + inChannels + ", classes=" + numClasses + "): all must be ≥ 1");
        }
        this.name = name;
        this.inChannels = inChannels;
        conv1 = registerModule("conv1", stem == Stem.IMAGENET
                ? ResidualBlock.heNormal(new Conv2d(inChannels, width, 7, 2, 3, 1, 1, false).recycleOutput())
                : ResidualBlock.heNormal(new Conv2d(inChannels, width, 3, 1, 1, 1, 1, false).recycleOutput()));
        bn1 = registerModule("bn1", new BatchNorm2d(width));
        bn1.recycleOutput(); // the stem's conv1 and bn1 are read by the stem only, as the blocks' layers
        maxpool = stem == Stem.IMAGENET ? new MaxPool2d(3, 2, 1) : null;
        int in = width;
        int expansion = block == Block.BASIC ? BasicBlock.EXPANSION : Bottleneck.EXPANSION;
        for (int s = 0; s < STAGES; s++) {
            int planes = width << s;
            Sequential stage = new Sequential();
            for (int b = 0; b < blocksPerStage[s]; b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                stage.add(block == Block.BASIC ? new BasicBlock(in, planes, stride) : new Bottleneck(in, planes, stride));
                in = planes * expansion;
            }
            layers[s] = registerModule("layer" + (s + 1), stage);
        }
        fc = registerModule("fc", new Linear(in, numClasses));
    }

    /** images [N, C, H, W] with the constructor's C → logits [N, classes]. */
    @Override
    public Tensor forward(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || s[1] != inChannels) {
            throw new IllegalArgumentException(name + " expects images [N, " + inChannels + ", H, W], got shape " + Shape.str(s));
        }
        Tensor x = relu.forward(bn1.forward(conv1.forward(images)));
        if (maxpool != null) x = maxpool.forward(x);
        for (Sequential layer : layers) x = layer.forward(x);
        return fc.forward(avgpool.forward(x).flatten(1, -1));
    }
}
