package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;
import io.ringtrain.engine.nn.Sequential;

/**
 * What torchvision's two ResNet blocks ({@link BasicBlock}, {@link Bottleneck}) share: the shortcut
 * and the initialisation. The shortcut is the identity, or, when the block changes resolution or
 * width, torchvision's projection registered as {@code downsample}: a 1×1 convolution of the block's
 * stride without bias ({@code downsample.0.weight}) and a BatchNorm ({@code downsample.1.*}), both
 * reusing their outputs from step to step as the blocks' own layers do.
 */
public abstract class ResidualBlock extends Module {
    /**
     * In place, as torchvision's blocks: each ReLU follows a BatchNorm or the residual sum, whose
     * backward does not read its output, so the block keeps one activation-sized array less per ReLU.
     */
    protected final ReLU relu = new ReLU(true);
    private Sequential downsample;

    /** Registers {@code downsample} when {@code stride ≠ 1} or {@code inPlanes ≠ outPlanes}; call after the block's own layers (torchvision's name order). */
    protected final void registerShortcut(int inPlanes, int outPlanes, int stride) {
        if (stride != 1 || inPlanes != outPlanes) {
            BatchNorm2d bn = new BatchNorm2d(outPlanes);
            bn.recycleOutput();
            downsample = registerModule("downsample",
                    new Sequential(heNormal(new Conv2d(inPlanes, outPlanes, 1, stride, 0, 1, 1, false).recycleOutput()), bn));
        }
    }

    /** x itself, or downsample(x). */
    protected final Tensor shortcut(Tensor x) {
        return downsample == null ? x : downsample.forward(x);
    }

    /** Kaiming-normal with fan-out and ReLU gain: std = √(2 / (out·kh·kw)), torchvision's ResNet init. */
    static Conv2d heNormal(Conv2d conv) {
        int[] s = conv.weight().shape();
        int fanOut = s[0] * s[2] * s[3];
        conv.weight().copyFrom(Init.normal((float) Math.sqrt(2.0 / fanOut), s));
        return conv;
    }
}
