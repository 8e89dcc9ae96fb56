package io.ringtrain.engine.models;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.nn.BatchNorm;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SmallResNet, LstmImageClassifier and TransformerImageClassifier: PyTorch goldens (tools/golden/zoo_models.py) and gradient checks. */
class ZooModelsTest {

    // ------------------------------------------------------------------ PyTorch goldens

    /*
     * Tolerance: |ours − PyTorch| ≤ tol·max|PyTorch| over each tensor (plus 1e-3 relative per element).
     * Relative to the tensor's scale because float32 rounding (~1e-7 per operation, ~1e-6 after a few
     * hundred summed terms) is amplified alike across a tensor: BatchNorm divides by the batch σ, which
     * at ResNet's 2×2 last stage over 4 images is small enough to make gradients O(10) there.
     */

    @Test
    void smallResNetTrainingStepMatchesPyTorch() {
        // conv, BN and ReLU five layers deep: the largest drift seen is 1.3e-5 of a tensor's scale
        assertStepMatchesPyTorch("zoo_small_resnet", new SmallResNet(new int[] {2, 8, 8}, 3, 1), 1e-4);
    }

    @Test
    void lstmClassifierTrainingStepMatchesPyTorch() {
        // five recurrent steps of float32 gate maths agree to ~1e-6
        assertStepMatchesPyTorch("zoo_lstm_classifier", new LstmImageClassifier(new int[] {2, 5, 4}, 3, 6, 2), 2e-5);
    }

    @Test
    void transformerClassifierTrainingStepMatchesPyTorch() {
        // softmax, LayerNorm and exact GELU over 7 tokens agree to ~1e-6
        assertStepMatchesPyTorch("zoo_transformer_classifier",
                new TransformerImageClassifier(new int[] {2, 8, 12}, 3, new TransformerImageClassifier.Config(4, 8, 2, 16, 2, 0f)), 2e-5);
    }

    /**
     * Weights from the formula shared with the script, one training-mode forward + cross-entropy +
     * backward on the fixture's batch; logits, loss, every gradient and the buffers after the step
     * must match, and the state-dict keys must be PyTorch's, in PyTorch's order.
     */
    private static void assertStepMatchesPyTorch(String fixture, Module model, double tol) {
        Golden g = Golden.load(fixture);
        assertEquals(Arrays.asList(metadata(fixture).get("state_dict_keys").split(",")), List.copyOf(model.stateDict().keySet()),
                "state-dict names and order of the PyTorch module");
        deterministicWeights(model);

        Tensor logits = model.forward(g.get("images"));
        Tensor loss = new CrossEntropyLoss().forward(logits, g.get("labels"));
        loss.backward();

        assertCloseToScale(g, "logits", logits, tol);
        assertCloseToScale(g, "loss", loss.reshape(1), tol);
        model.namedParameters().forEach((name, p) -> assertCloseToScale(g, "grad." + name, p.grad(), tol));
        model.namedBuffers().forEach((name, b) -> assertCloseToScale(g, "after." + name, b.reshape(-1), tol));
    }

    private static void assertCloseToScale(Golden g, String key, Tensor actual, double tol) {
        double scale = 0;
        for (float v : g.get(key).toArray()) scale = Math.max(scale, Math.abs(v));
        g.assertClose(key, actual, tol * Math.max(scale, 1e-3), 1e-3);
    }

    /** The script's deterministic_weights: parameter k, element i = s·sin(0.37·i + 1.3·k), s by kind of parameter. */
    static void deterministicWeights(Module model) {
        int k = 0;
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            float[] values = new float[p.numel()];
            for (int i = 0; i < values.length; i++) {
                double wave = Math.sin(0.37 * i + 1.3 * k);
                if (p.dim() == 1) values[i] = (float) (e.getKey().endsWith("weight") ? 1 + 0.2 * wave : 0.1 * wave);
                else if (p.size(0) == 1) values[i] = (float) (0.1 * wave);
                else values[i] = (float) (Math.sqrt(3.0 / (p.numel() / p.size(0))) * wave);
            }
            p.copyFrom(Tensor.of(values, p.shape()));
            k++;
        }
    }

    private static Map<String, String> metadata(String fixture) {
        String resource = "/golden/" + fixture + ".safetensors";
        try (InputStream in = ZooModelsTest.class.getResourceAsStream(resource)) {
            return SafeTensors.read(in, resource).metadata();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    // ------------------------------------------------------------------ gradient checks

    /**
     * Through every residual block, both shortcut kinds, training-mode BatchNorm and the global pool.
     * ReLU has a kink at 0, and among thousands of normalised pre-activations a few lie within eps of
     * it, where a central difference straddles the kink and is wrong (PyTorch's own float64 gradcheck
     * of conv → BN → ReLU fails so at eps 1e-2). So every BatchNorm here gets γ = 0.3 and β = ±1.5 by
     * channel parity: each unit then sits well away from its kink, and half the channels are switched
     * off, so the ReLU masks still matter.
     */
    @Test
    void smallResNetGradientsMatchFiniteDifferences() {
        Init.manualSeed(11);
        SmallResNet model = new SmallResNet(new int[] {1, 6, 6}, 3, 1);
        model.namedModules().values().forEach(m -> {
            if (m instanceof BatchNorm bn) {
                Map<String, Tensor> affine = bn.namedParameters();
                int channels = affine.get("weight").numel();
                float[] beta = new float[channels];
                for (int c = 0; c < channels; c++) beta[c] = c % 2 == 0 ? 1.5f : -1.5f;
                affine.get("weight").copyFrom(Tensor.full(0.3f, channels));
                affine.get("bias").copyFrom(Tensor.of(beta, channels));
            }
        });
        Map<String, Tensor> p = model.namedParameters();
        Tensor images = Tensor.randn(new SplittableRandom(5), 3, 1, 6, 6);
        GradCheck.check("SmallResNet", in -> model.forward(in.get(0)), images,
                p.get("conv1.weight"), p.get("layer1.0.bn2.weight"), p.get("layer2.0.downsample.0.weight"), p.get("layer3.0.bn1.bias"), p.get("fc.weight"));
    }

    @Test
    void lstmClassifierGradientsMatchFiniteDifferences() {
        Init.manualSeed(12);
        LstmImageClassifier model = new LstmImageClassifier(new int[] {2, 4, 3}, 3, 5, 2);
        Tensor images = Tensor.randn(new SplittableRandom(6), 2, 2, 4, 3);
        List<Tensor> checked = new ArrayList<>(List.of(images));
        checked.addAll(model.parameters());
        GradCheck.check("LstmImageClassifier", in -> model.forward(in.get(0)), checked.toArray(new Tensor[0]));
    }

    @Test
    void transformerClassifierGradientsMatchFiniteDifferences() {
        Init.manualSeed(13);
        TransformerImageClassifier model = new TransformerImageClassifier(new int[] {1, 4, 6}, 3, new TransformerImageClassifier.Config(2, 8, 2, 12, 2, 0f));
        Tensor images = Tensor.randn(new SplittableRandom(7), 2, 1, 4, 6);
        Map<String, Tensor> p = model.namedParameters();
        // The class token starts at N(0, 0.02²): LayerNorm of so small a vector is far from linear over
        // eps = 1e-2 (a central difference is then off by a few %). Trained-sized values keep it smooth.
        p.get("cls_token").copyFrom(Tensor.randn(new SplittableRandom(8), 1, 1, 8));
        p.get("pos_embed").copyFrom(Tensor.randn(new SplittableRandom(9), 1, 7, 8).mul(0.5f));
        GradCheck.check("TransformerImageClassifier", in -> model.forward(in.get(0)), images,
                p.get("cls_token"), p.get("pos_embed"), p.get("patch_embed.weight"), p.get("encoder.layers.0.self_attn.in_proj_weight"),
                p.get("encoder.layers.1.linear1.weight"), p.get("encoder.norm.weight"), p.get("head.bias"));
    }

    // ------------------------------------------------------------------ shapes, sizes, errors

    @Test
    void smallResNetHasTheDepthAndSizeOfThePaper() {
        SmallResNet resnet8 = new SmallResNet(new int[] {1, 28, 28}, 10);
        assertEquals(8, resnet8.depth());
        // conv1 144 + bn1 32 + layer1 4,672 + layer2 14,528 + layer3 57,728 + fc 650
        assertEquals(77_754, resnet8.parameterCount());
        SmallResNet resnet20 = new SmallResNet(new int[] {3, 32, 32}, 10, 3);
        assertEquals(20, resnet20.depth());
        // the paper's "0.27M" (Table 6); the same count as the PyTorch module in tools/golden/zoo_models.py
        assertEquals(272_474, resnet20.parameterCount());
        assertTrue(resnet20.stateDict().containsKey("layer3.2.bn2.running_var"));
        assertArrayEquals(new int[] {2, 10}, resnet20.forward(Tensor.zeros(2, 3, 32, 32)).shape());
    }

    @Test
    void eachModelTakesAnyImageSizeItsStructureAllows() {
        assertArrayEquals(new int[] {2, 5}, new SmallResNet(new int[] {3, 9, 13}, 5).forward(Tensor.zeros(2, 3, 9, 13)).shape());
        assertArrayEquals(new int[] {2, 5}, new LstmImageClassifier(new int[] {3, 9, 13}, 5).forward(Tensor.zeros(2, 3, 9, 13)).shape());
        assertArrayEquals(new int[] {2, 5}, new TransformerImageClassifier(new int[] {3, 8, 12}, 5).forward(Tensor.zeros(2, 3, 8, 12)).shape());
    }

    @Test
    void theDefaultPatchIsTheLargestCommonDivisorUpToSeven() {
        assertEquals(7, TransformerImageClassifier.defaultPatchSize(new int[] {1, 28, 28}));
        assertEquals(4, TransformerImageClassifier.defaultPatchSize(new int[] {3, 32, 32}));
        assertEquals(6, TransformerImageClassifier.defaultPatchSize(new int[] {3, 24, 36}));
        var e = assertThrows(IllegalArgumentException.class, () -> TransformerImageClassifier.defaultPatchSize(new int[] {1, 29, 29}));
        assertTrue(e.getMessage().contains("29×29") && e.getMessage().contains("resize"), e.getMessage());
        var odd = assertThrows(IllegalArgumentException.class,
                () -> new TransformerImageClassifier(new int[] {1, 28, 28}, 10, TransformerImageClassifier.Config.withPatch(5)));
        assertTrue(odd.getMessage().contains("patch size 5 does not divide the image 28×28"), odd.getMessage());
    }

    @Test
    void anImageOfTheWrongShapeIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SmallResNet(new int[] {1, 28, 28}, 10).forward(Tensor.zeros(2, 3, 28, 28)));
        assertTrue(e.getMessage().contains("[N, 1, 28, 28]") && e.getMessage().contains("[2, 3, 28, 28]"), e.getMessage());
    }
}
