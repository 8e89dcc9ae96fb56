package io.ringtrain.engine.nn;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs layer fixtures against PyTorch. {@link #check} serves tools/golden/cnn_layers.py's one-input
 * layers (parameters under their own names, loss L = Σ y·w_out); the other methods serve
 * tools/golden/seq_layers.py's cases (parameters as "param.NAME", several outputs, gradients as
 * "grad.NAME").
 */
public final class LayerGolden {
    private LayerGolden() {}

    /** Loads the fixture's parameters into {@code layer}, computes y = layer(x) and compares y, dL/dx and dL/dparam. */
    static Golden check(String fixture, Module layer, double atol, double rtol) {
        Golden g = Golden.load(fixture);
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String name : layer.namedParameters().keySet()) params.put(name, g.get(name));
        layer.loadStateDict(params, false);
        Tensor x = g.get("x").requiresGrad(true);
        Tensor y = layer.forward(x);
        g.assertClose("y", y, atol, rtol);
        y.mul(g.get("w_out")).sum().backward();
        g.assertClose("grad_x", x.grad(), atol, rtol);
        layer.namedParameters().forEach((name, p) -> g.assertClose("grad_" + name, p.grad(), atol, rtol));
        return g;
    }

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
