package io.ringtrain.engine.models;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FmnistCnnTest {
    @Test
    void stateDictNamesAreThoseOfThePyTorchModule() {
        assertEquals(List.of("conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
                        "conv2.weight", "conv2.bias", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var", "bn2.num_batches_tracked",
                        "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                List.copyOf(new FmnistCnn().stateDict().keySet()));
        assertEquals(421_834, new FmnistCnn().parameterCount());
    }

    /** One training-mode forward/backward of the whole network against PyTorch (tools/golden/cnn_layers.py). */
    @Test
    void trainingStepMatchesPyTorch() {
        Golden g = Golden.load("fmnist_cnn_step");
        FmnistCnn model = new FmnistCnn();
        Map<String, Tensor> state = new HashMap<>();
        for (String key : model.stateDict().keySet()) {
            if (key.equals("fc1.weight")) continue;
            Tensor t = g.get("init." + key);
            state.put(key, key.endsWith("num_batches_tracked") ? t.reshape() : t);
        }
        float[] fc1 = new float[128 * 3136];
        for (int i = 0; i < fc1.length; i++) fc1[i] = (float) (0.02 * Math.sin(0.37 * i));
        state.put("fc1.weight", Tensor.of(fc1, 128, 3136));
        model.loadStateDict(state, true);

        Tensor logits = model.forward(g.get("images"));
        Tensor loss = new CrossEntropyLoss().forward(logits, g.get("labels"));
        loss.backward();
        // Two convolutions, two batch norms and a 3136-term dot product in float32: ~1e-5 relative drift; 1e-4/1e-3 leaves margin.
        g.assertClose("logits", logits, 1e-4, 1e-3);
        g.assertClose("loss", loss.reshape(1), 1e-5, 1e-4);
        model.namedParameters().forEach((name, p) -> {
            Tensor grad = name.equals("fc1.weight") ? p.grad().narrow(0, 0, 8) : p.grad();
            // Gradients pass back through BN's 1/std and sums over 6272 positions: 1e-4 absolute (values are O(1e-2..1)), 2e-3 relative.
            g.assertClose("grad." + name, grad, 1e-4, 2e-3);
        });
        model.namedBuffers().forEach((name, b) -> g.assertClose("after." + name, b.reshape(-1), 1e-5, 1e-4));
    }
}
