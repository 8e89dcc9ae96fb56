package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;

/**
 * The three-convolution residual block of ResNet-50/101/152, as torchvision's {@code Bottleneck}
 * (ResNet v1.5: the stride sits on the 3×3 convolution, not on the first 1×1):
 * <pre>
 *   out = ReLU( bn3(conv3( ReLU(bn2(conv2( ReLU(bn1(conv1(x))) ))) )) + shortcut(x) )
 *   conv1 1×1 (in→planes), conv2 3×3 (planes→planes, stride s, pad 1), conv3 1×1 (planes→4·planes), all without bias
 *   shortcut(x) = x, or downsample(x) = bn(conv 1×1, stride s)(x) when s ≠ 1 or in ≠ 4·planes
 * </pre>
 * [N, in, H, W] → [N, 4·planes, ⌈H/s⌉, ⌈W/s⌉]. Names {@code conv1.weight} … {@code bn3.running_var},
 * {@code downsample.0.weight} as torchvision; Kaiming-normal (fan-out) convolutions as torchvision.
 */
public class Bottleneck extends ResidualBlock {
    /** Output channels per {@code planes}: 4. */
    public static final int EXPANSION = 4;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d conv3;
    private final BatchNorm2d bn3;

    public Bottleneck(int inPlanes, int planes, int stride) {
        conv1 = registerModule("conv1", heNormal(new Conv2d(inPlanes, planes, 1, 1, 0, 1, 1, false).recycleOutput()));
        bn1 = registerModule("bn1", new BatchNorm2d(planes));
        conv2 = registerModule("conv2", heNormal(new Conv2d(planes, planes, 3, stride, 1, 1, 1, false).recycleOutput()));
        bn2 = registerModule("bn2", new BatchNorm2d(planes));
        conv3 = registerModule("conv3", heNormal(new Conv2d(planes, planes * EXPANSION, 1, 1, 0, 1, 1, false).recycleOutput()));
        bn3 = registerModule("bn3", new BatchNorm2d(planes * EXPANSION));
        bn1.recycleOutput();
        bn2.recycleOutput();
        bn3.recycleOutput();
        registerShortcut(inPlanes, planes * EXPANSION, stride);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = relu.forward(bn1.forward(conv1.forward(x)));
        out = relu.forward(bn2.forward(conv2.forward(out)));
        out = bn3.forward(conv3.forward(out));
        return relu.forward(out.add(shortcut(x)));
    }
}
