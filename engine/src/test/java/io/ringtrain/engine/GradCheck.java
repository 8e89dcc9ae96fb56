package io.ringtrain.engine;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient check. The function's output is reduced to a scalar with fixed random
 * weights, L = Σ wᵢ·yᵢ, so every output element's gradient is exercised. Each input element is
 * perturbed by ±eps and the central difference (L(x+eps) − L(x−eps)) / 2eps, accumulated in
 * double, is compared with the analytic gradient.
 *
 * <p>Tolerance: float32 forward passes carry ~1e-7 relative rounding, which the division by 2·eps
 * (eps = 1e-2 by default) magnifies to ~1e-5·|L|; second-order terms add O(eps²·f'''). The
 * default |analytic − numeric| ≤ atol + rtol·|numeric| with atol 2e-3, rtol 2e-2 passes a correct
 * gradient and fails a wrong one (a missing factor or a sign is off by ≥ 100%).
 */
public final class GradCheck {
    private GradCheck() {}

    public static void check(String what, Function<List<Tensor>, Tensor> fn, Tensor... inputs) {
        check(what, fn, 1e-2, 2e-3, 2e-2, inputs);
    }

    public static void check(String what, Function<List<Tensor>, Tensor> fn, double eps, double atol, double rtol, Tensor... inputs) {
        for (Tensor in : inputs) in.requiresGrad(true).zeroGrad();
        List<Tensor> ins = List.of(inputs);
        Tensor out = fn.apply(ins);
        float[] weights = Tensor.randn(new SplittableRandom(42), out.shape()).toArray();
        Tensor.of(weights.clone(), out.shape());
        out.mul(Tensor.of(weights, out.shape())).sum().backward();
        for (int t = 0; t < inputs.length; t++) {
            Tensor in = inputs[t];
            float[] analytic = in.gradArray() == null ? new float[in.numel()] : in.gradArray().clone();
            float[] storage = in.storage();
            if (!in.isContiguous()) throw new IllegalArgumentException("gradcheck inputs must be contiguous");
            for (int i = 0; i < in.numel(); i++) {
                int at = in.storageOffset() + i;
                float saved = storage[at];
                storage[at] = (float) (saved + eps);
                double plus = weightedSum(fn.apply(ins), weights);
                storage[at] = (float) (saved - eps);
                double minus = weightedSum(fn.apply(ins), weights);
                storage[at] = saved;
                double numeric = (plus - minus) / (2 * eps);
                if (Math.abs(analytic[i] - numeric) > atol + rtol * Math.abs(numeric)) {
                    fail(what + ": gradient of input " + t + " (shape " + Shape.str(in.shape()) + ") element " + i
                            + " is " + analytic[i] + " analytically but " + numeric + " by central differences");
                }
            }
        }
    }

    private static double weightedSum(Tensor y, float[] weights) {
        float[] v = y.toArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) s += (double) v[i] * weights[i];
        return s;
    }
}
