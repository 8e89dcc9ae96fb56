package io.ringtrain.engine.models;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.engine.nn.Conv2d;
import io.ringtrain.engine.nn.Flatten;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.MaxPool2d;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.ReLU;

/**
 * The reference CNN of the project ("fmnist-cnn") for 28×28 grey images, 10 classes:
 * <pre>
 *   x [N, 1, 28, 28] → conv1 3×3 (1→32, pad 1) → bn1 → ReLU → maxpool 2  → [N, 32, 14, 14]
 *                    → conv2 3×3 (32→64, pad 1) → bn2 → ReLU → maxpool 2 → [N, 64, 7, 7]
 *                    → flatten [N, 3136] → fc1 (3136→128) → ReLU → fc2 (128→10) → logits [N, 10]
 * </pre>
 * State-dict names are those of the PyTorch module in {@code tools/bench/cnn_step_ref.py}
 * ({@code conv1.weight}, {@code bn1.running_mean}, {@code fc2.bias}, ...), so weights move
 * between the two unchanged. 421,834 parameters.
 */
public class FmnistCnn extends Module {
    public static final int IMAGE_SIZE = 28;
    public static final int CLASSES = 10;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Linear fc1;
    private final Linear fc2;
    private final ReLU relu = new ReLU(true); // in place, as torchvision's models: each ReLU follows BatchNorm or Linear
    private final MaxPool2d pool1 = new MaxPool2d(2).recycleOutput();
    private final MaxPool2d pool2 = new MaxPool2d(2).recycleOutput();
    private final Flatten flatten = new Flatten();

    /** Initialised from {@link io.ringtrain.engine.nn.Init}'s generator (seed it first for a reproducible model). */
    public FmnistCnn() {
        // The inner layers' outputs never leave forward: they reuse their arrays each step.
        conv1 = registerModule("conv1", new Conv2d(1, 32, 3, 1, 1).recycleOutput());
        bn1 = registerModule("bn1", new BatchNorm2d(32));
        conv2 = registerModule("conv2", new Conv2d(32, 64, 3, 1, 1).recycleOutput());
        bn2 = registerModule("bn2", new BatchNorm2d(64));
        bn1.recycleOutput();
        bn2.recycleOutput();
        fc1 = registerModule("fc1", new Linear(64 * 7 * 7, 128));
        fc2 = registerModule("fc2", new Linear(128, CLASSES));
    }

    /** images [N, 1, 28, 28] → logits [N, 10]. */
    @Override
    public Tensor forward(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != IMAGE_SIZE || s[3] != IMAGE_SIZE) {
            throw new IllegalArgumentException("FmnistCnn expects images [N, 1, 28, 28], got shape " + Shape.str(s));
        }
        Tensor x = pool1.forward(relu.forward(bn1.forward(conv1.forward(images))));
        x = pool2.forward(relu.forward(bn2.forward(conv2.forward(x))));
        x = relu.forward(fc1.forward(flatten.forward(x)));
        return fc2.forward(x);
    }
}
