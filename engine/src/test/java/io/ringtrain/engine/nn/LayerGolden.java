package io.ringtrain.engine.nn;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;

import java.util.Map;

/**
 * Runs one fixture case written by tools/golden/seq_layers.py: loads the PyTorch parameters
 * ("param.NAME") into our module, compares the outputs, backpropagates the same loss
 * L = Σ_outputs Σ w_out·out and compares the gradients ("grad.NAME").
 */
public final class LayerGolden {
    private LayerGolden() {}

    public static void loadParameters(Golden g, Module module) {
        Map<String, Tensor> params = module.namedParameters();
        for (Map.Entry<String, Tensor> e : params.entrySet()) e.getValue().copyFrom(g.get("param." + e.getKey()));
    }

    /** Compares each output with the fixture and returns the weighted-sum loss over all of them. */
    public static Tensor compareOutputsAndLoss(Golden g, Map<String, Tensor> outputs, double atol, double rtol) {
        Tensor loss = null;
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            g.assertClose(e.getKey(), e.getValue(), atol, rtol);
            Tensor term = e.getValue().mul(g.get("w_" + e.getKey())).sum();
            loss = loss == null ? term : loss.add(term);
        }
        return loss;
    }

    public static void compareParameterGradients(Golden g, Module module, double atol, double rtol) {
        Map<String, Tensor> params = module.namedParameters();
        for (Map.Entry<String, Tensor> e : params.entrySet()) g.assertClose("grad." + e.getKey(), e.getValue().grad(), atol, rtol);
    }
}
