package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;

/**
 * The two-convolution residual block of ResNet-18/34 and the CIFAR ResNets (He et al. 2016), as
 * torchvision's {@code BasicBlock}:
 * <pre>
 *   out = ReLU( bn2(conv2( ReLU(bn1(conv1(x))) )) + shortcut(x) )
 *   conv1 3×3 (in→planes, stride s, pad 1), conv2 3×3 (planes→planes, pad 1), both without bias
 *   shortcut(x) = x, or downsample(x) = bn(conv 1×1, stride s)(x) when s ≠ 1 or in ≠ planes
 * </pre>
 * [N, in, H, W] → [N, planes, ⌈H/s⌉, ⌈W/s⌉]. Names {@code conv1.weight}, {@code bn1.running_mean},
 * {@code downsample.0.weight}, {@code downsample.1.weight}, ... as torchvision. Convolutions start
 * Kaiming-normal (fan-out, ReLU gain), as torchvision's ResNet, so deep stacks keep their scale.
 * The block of {@link ResNet#resnet18} and of {@link SmallResNet}. Its convolutions and BatchNorms
 * reuse their outputs from step to step ({@code recycleOutput()}): only the block reads them.
 */
public class BasicBlock extends ResidualBlock {
    /** Output channels per {@code planes}: 1. */
    public static final int EXPANSION = 1;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;

    public BasicBlock(int inPlanes, int planes, int stride) {
        conv1 = registerModule("conv1", heNormal(new Conv2d(inPlanes, planes, 3, stride, 1, 1, 1, false).recycleOutput()));
        bn1 = registerModule("bn1", new BatchNorm2d(planes));
        conv2 = registerModule("conv2", heNormal(new Conv2d(planes, planes, 3, 1, 1, 1, 1, false).recycleOutput()));
        bn2 = registerModule("bn2", new BatchNorm2d(planes));
        bn1.recycleOutput();
        bn2.recycleOutput();
        registerShortcut(inPlanes, planes * EXPANSION, stride);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = relu.forward(bn1.forward(conv1.forward(x)));
        out = bn2.forward(conv2.forward(out));
        return relu.forward(out.add(shortcut(x)));
    }
}
