package io.ringtrain.engine.nn;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one layer fixture of tools/golden/cnn_layers.py: loads the fixture's parameters into
 * {@code layer}, computes y = layer(x) and the gradients of L = Σ y·w_out, and compares y, dL/dx
 * and dL/dparam with PyTorch's.
 */
final class LayerGolden {
    private LayerGolden() {}

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
}
