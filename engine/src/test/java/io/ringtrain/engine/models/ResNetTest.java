package io.ringtrain.engine.models;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.nn.BatchNorm;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ResNet-18/50, BasicBlock and Bottleneck against torchvision 0.14 (tools/golden/resnet_golden.py)
 * and by finite differences.
 *
 * <p>Golden tolerance: |ours − torchvision| ≤ 1e-4·max|torchvision| over each tensor. Float32 sums
 * of up to 4,608 products per output (3×3×512) in another order differ by ~1e-6 relative per layer,
 * and 18 or 50 layers compound that; a wrong stride, padding, shortcut or weight placement changes
 * the logits by far more than 1e-4 of their scale.
 */
class ResNetTest {
    private static final double TOL = 1e-4;

    // ------------------------------------------------------------------ torchvision goldens

    @Test
    void resnet18At224GivesTorchvisionsLogitsInEvalMode() {
        assertEvalLogitsMatch("resnet_resnet18_224", ResNet.resnet18(3, 1000, ResNet.Stem.IMAGENET));
    }

    @Test
    void resnet50At224GivesTorchvisionsLogitsInEvalMode() {
        assertEvalLogitsMatch("resnet_resnet50_224", ResNet.resnet50(3, 1000, ResNet.Stem.IMAGENET));
    }

    private static void assertEvalLogitsMatch(String fixture, ResNet model) {
        assertStateDictNamesAreTorchvisions(fixture, model);
        FormulaWeights.fill(model);
        model.eval();
        Tensor logits;
        try (var off = GradMode.noGrad()) {
            logits = model.forward(FormulaWeights.images(shapeOf(fixture)));
        }
        assertCloseToScale(Golden.load(fixture), "logits", logits, TOL);
    }

    /** Eval logits, then one training-mode step: logits, loss, named gradients and running statistics. */
    @Test
    void resnet18CifarStemMatchesTorchvisionInEvalAndTrainingMode() {
        String fixture = "resnet_resnet18_cifar";
        Golden g = Golden.load(fixture);
        ResNet model = ResNet.resnet18(3, 10, ResNet.Stem.CIFAR);
        assertStateDictNamesAreTorchvisions(fixture, model);
        FormulaWeights.fill(model);
        Tensor images = FormulaWeights.images(shapeOf(fixture));

        model.eval();
        try (var off = GradMode.noGrad()) {
            assertCloseToScale(g, "eval_logits", model.forward(images), TOL);
        }
        model.train();
        Tensor logits = model.forward(images);
        Tensor loss = new CrossEntropyLoss().forward(logits, g.get("labels"));
        loss.backward();
        assertCloseToScale(g, "logits", logits, TOL);
        assertCloseToScale(g, "loss", loss.reshape(1), TOL);
        Map<String, Tensor> params = model.namedParameters();
        for (String p : List.of("conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.bias",
                "layer3.1.bn2.weight", "layer4.0.bn1.bias", "fc.weight", "fc.bias")) {
            assertCloseToScale(g, "grad." + p, params.get(p).grad(), TOL);
        }
        Map<String, Tensor> state = model.stateDict();
        for (String b : List.of("bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_var")) assertCloseToScale(g, "after." + b, state.get(b), TOL);
        assertEquals(1f, state.get("bn1.num_batches_tracked").item(), "one training batch counted, as torchvision");
    }

    /**
     * A file written by torchvision (through tools/weights' converter writer, num_batches_tracked as
     * int64) loads by name into our blocks, which then give torchvision's outputs in both modes and,
     * in training mode (batch statistics), torchvision's gradients.
     */
    @Test
    void torchvisionBlockStateDictsLoadByNameAndGiveTorchvisionsOutputs() throws IOException {
        SafeTensors.Contents file = read("/golden/resnet_torchvision_blocks.safetensors");
        assertEquals("I64", file.dtypes().get("basic.bn1.num_batches_tracked"));
        assertBlockMatches(file, "basic", new BasicBlock(16, 32, 2));
        assertBlockMatches(file, "bottleneck", new Bottleneck(64, 16, 2));
    }

    private static void assertBlockMatches(SafeTensors.Contents file, String prefix, Module block) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        file.tensors().forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) state.put(k.substring(prefix.length() + 1), v);
        });
        assertEquals(List.copyOf(state.keySet()), List.copyOf(block.stateDict().keySet()), prefix + ": torchvision's names, in its order");
        block.loadStateDict(state, true);
        assertEquals(3f, block.stateDict().get("bn1.num_batches_tracked").item(), prefix + ": the counter loaded from int64");
        Map<String, Tensor> t = file.tensors();
        Tensor x = t.get("input." + prefix);
        block.eval();
        try (var off = GradMode.noGrad()) {
            Golden.assertClose(prefix + " eval", t.get("eval_output." + prefix), block.forward(x), 1e-5, 1e-4);
        }
        block.train();
        x.requiresGrad(true);
        Tensor y = block.forward(x);
        Golden.assertClose(prefix + " train", t.get("train_output." + prefix), y, 1e-5, 1e-4);
        y.mul(t.get("train_loss_weights." + prefix)).sum().backward();
        Golden.assertClose(prefix + " train: input gradient", t.get("train_grad_input." + prefix), x.grad(), 1e-4, 1e-3);
        Map<String, Tensor> params = block.namedParameters();
        for (String p : List.of("conv1.weight", "bn1.weight", "conv2.weight", "downsample.0.weight", "downsample.1.bias")) {
            Golden.assertClose(prefix + " train: gradient of " + p, t.get("train_grad." + prefix + "." + p), params.get(p).grad(), 1e-4, 1e-3);
        }
    }

    private static void assertStateDictNamesAreTorchvisions(String fixture, Module model) {
        assertEquals(Arrays.asList(metadata(fixture).get("state_dict_keys").split(",")), List.copyOf(model.stateDict().keySet()),
                fixture + ": state-dict names and order of torchvision's module");
    }

    // ------------------------------------------------------------------ gradient checks

    @Test
    void basicBlockWithProjectionShortcutGradientsMatchFiniteDifferences() {
        Init.manualSeed(21);
        BasicBlock block = awayFromReluKinks(new BasicBlock(3, 4, 2));
        Map<String, Tensor> p = block.namedParameters();
        Tensor x = Tensor.randn(new SplittableRandom(1), 2, 3, 5, 5);
        GradCheck.check("BasicBlock(3→4, stride 2)", in -> block.forward(in.get(0)), x,
                p.get("conv1.weight"), p.get("bn1.weight"), p.get("conv2.weight"), p.get("bn2.bias"), p.get("downsample.0.weight"), p.get("downsample.1.weight"));
    }

    @Test
    void basicBlockWithIdentityShortcutGradientsMatchFiniteDifferences() {
        Init.manualSeed(22);
        BasicBlock block = awayFromReluKinks(new BasicBlock(3, 3, 1));
        assertTrue(block.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("downsample")), "same shape: identity shortcut");
        Tensor x = Tensor.randn(new SplittableRandom(2), 2, 3, 4, 4).mul(0.3f); // small beside β = ±1.5: off the final ReLU's kink
        GradCheck.check("BasicBlock(3→3)", in -> block.forward(in.get(0)), x, block.namedParameters().get("conv2.weight"));
    }

    @Test
    void bottleneckGradientsMatchFiniteDifferences() {
        Init.manualSeed(23);
        Bottleneck block = awayFromReluKinks(new Bottleneck(4, 2, 2));
        Map<String, Tensor> p = block.namedParameters();
        assertArrayEquals(new int[] {8, 2, 1, 1}, p.get("conv3.weight").shape(), "expansion 4");
        assertArrayEquals(new int[] {2, 2, 3, 3}, p.get("conv2.weight").shape(), "the 3×3 in the middle");
        Tensor x = Tensor.randn(new SplittableRandom(3), 2, 4, 5, 5);
        GradCheck.check("Bottleneck(4→2·4, stride 2)", in -> block.forward(in.get(0)), x,
                p.get("conv1.weight"), p.get("conv2.weight"), p.get("bn2.weight"), p.get("conv3.weight"), p.get("bn3.bias"), p.get("downsample.0.weight"));
    }

    /** The ImageNet stem (7×7 stride 2, BN, ReLU, 3×3/2 max-pool) and the head, on a width-4 ResNet-18-shaped network. */
    @Test
    void imagenetStemAndHeadGradientsMatchFiniteDifferences() {
        Init.manualSeed(24);
        ResNet model = awayFromReluKinks(new ResNet("tiny", ResNet.Block.BASIC, new int[] {1, 1, 1, 1}, 4, 2, 3, ResNet.Stem.IMAGENET));
        Map<String, Tensor> p = model.namedParameters();
        Tensor x = Tensor.randn(new SplittableRandom(4), 2, 2, 12, 12);
        GradCheck.check("ResNet stem", in -> model.forward(in.get(0)), x, p.get("conv1.weight"), p.get("bn1.weight"), p.get("bn1.bias"), p.get("fc.weight"));
    }

    @Test
    void cifarStemBottleneckNetworkGradientsMatchFiniteDifferences() {
        Init.manualSeed(25);
        ResNet model = awayFromReluKinks(new ResNet("tiny", ResNet.Block.BOTTLENECK, new int[] {1, 1, 1, 1}, 2, 1, 3, ResNet.Stem.CIFAR));
        Map<String, Tensor> p = model.namedParameters();
        Tensor x = Tensor.randn(new SplittableRandom(5), 2, 1, 6, 6);
        GradCheck.check("ResNet cifar stem, bottlenecks", in -> model.forward(in.get(0)), x,
                p.get("conv1.weight"), p.get("layer2.0.conv2.weight"), p.get("layer4.0.downsample.0.weight"), p.get("fc.bias"));
    }

    /**
     * Puts the model in eval mode (BatchNorm with running statistics, an affine map), so the network
     * is piecewise linear and a central difference is exact up to float rounding wherever it does
     * not straddle a ReLU kink; γ = 0.3 and β = ±1.5 by channel parity keep every normalised unit
     * well away from the kink (half the channels switched off, so the masks still matter). Training-mode
     * BatchNorm inside the blocks is checked against torchvision's gradients above; with batch
     * statistics over the few elements of so tiny a network, eps = 1e-2 is far from linear.
     */
    private static <M extends Module> M awayFromReluKinks(M model) {
        model.eval();
        model.namedModules().values().forEach(m -> {
            if (m instanceof BatchNorm bn) {
                int channels = bn.numFeatures();
                float[] beta = new float[channels];
                for (int c = 0; c < channels; c++) beta[c] = c % 2 == 0 ? 1.5f : -1.5f;
                bn.weight().copyFrom(Tensor.full(0.3f, channels));
                bn.bias().copyFrom(Tensor.of(beta, channels));
            }
        });
        return model;
    }

    // ------------------------------------------------------------------ sizes, shapes, errors

    @Test
    void parameterCountsAreTorchvisions() {
        assertEquals(11_689_512L, ResNet.resnet18(3, 1000, ResNet.Stem.IMAGENET).parameterCount());
        assertEquals(25_557_032L, ResNet.resnet50(3, 1000, ResNet.Stem.IMAGENET).parameterCount());
    }

    @Test
    void anyChannelCountAndSizeGiveLogits() {
        try (var off = GradMode.noGrad()) {
            assertArrayEquals(new int[] {2, 10}, ResNet.resnet18(1, 10, ResNet.Stem.CIFAR).forward(Tensor.zeros(2, 1, 28, 28)).shape());
            assertArrayEquals(new int[] {1, 5}, ResNet.resnet18(4, 5, ResNet.Stem.IMAGENET).forward(Tensor.zeros(1, 4, 40, 52)).shape());
        }
    }

    @Test
    void wrongChannelCountIsRefusedNamingTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> ResNet.resnet18(1, 10, ResNet.Stem.CIFAR).forward(Tensor.zeros(2, 3, 28, 28)));
        assertTrue(e.getMessage().contains("[N, 1, H, W]") && e.getMessage().contains("[2, 3, 28, 28]"), e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    private static void assertCloseToScale(Golden g, String key, Tensor actual, double tol) {
        double scale = 0;
        for (float v : g.get(key).toArray()) scale = Math.max(scale, Math.abs(v));
        g.assertClose(key, actual, tol * Math.max(scale, 1e-3), 0);
    }

    private static int[] shapeOf(String fixture) {
        return Arrays.stream(metadata(fixture).get("input_shape").split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static Map<String, String> metadata(String fixture) {
        try {
            return read("/golden/" + fixture + ".safetensors").metadata();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fixture " + fixture, e);
        }
    }

    private static SafeTensors.Contents read(String resource) throws IOException {
        try (InputStream in = ResNetTest.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing; run /usr/bin/python3 tools/golden/resnet_golden.py");
            return SafeTensors.read(in, resource);
        }
    }
}
