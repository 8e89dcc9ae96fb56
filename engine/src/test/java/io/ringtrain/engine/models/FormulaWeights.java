package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The weights of tools/golden/resnet_golden.py, reproduced bit for bit: every state-dict entry
 * filled from its name and element index, so the fixtures need not carry 45–100 MB of weights.
 * u = (mix32(fnv1a32(name) ^ i·0x9E3779B9) >>> 8)·2⁻²⁴·2 − 1, uniform in [−1, 1) and exact in
 * float32; conv and fc weights √(6 / fan_in)·u, BatchNorm weight 1 + 0.1u, biases and running_mean
 * 0.1u, running_var 1 + 0.5u, num_batches_tracked left at 0. Computed in double, rounded once.
 */
final class FormulaWeights {
    private FormulaWeights() {}

    /** Overwrites every entry of the model's state dict (num_batches_tracked excepted) by the formula. */
    static void fill(Module model) {
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            String name = e.getKey();
            if (name.endsWith("num_batches_tracked")) continue;
            e.getValue().copyFrom(Tensor.of(values(name, e.getValue().shape()), e.getValue().shape()));
        }
    }

    /** The script's input images of the given shape (entry name "input"). */
    static Tensor images(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) uniform(fnv1a("input"), i);
        return Tensor.of(v, shape);
    }

    private static float[] values(String name, int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        int seed = fnv1a(name);
        float[] v = new float[n];
        double convScale = shape.length > 1 ? Math.sqrt(6.0 / (n / shape[0])) : 0;
        for (int i = 0; i < n; i++) {
            double u = uniform(seed, i);
            double x;
            if (name.endsWith("running_mean")) x = 0.1 * u;
            else if (name.endsWith("running_var")) x = 1 + 0.5 * u;
            else if (shape.length == 1 && name.endsWith("weight")) x = 1 + 0.1 * u;
            else if (shape.length == 1) x = 0.1 * u;
            else x = convScale * u;
            v[i] = (float) x;
        }
        return v;
    }

    static int fnv1a(String name) {
        int h = 0x811C9DC5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xFF)) * 0x01000193;
        return h;
    }

    static double uniform(int seed, int i) {
        int x = seed ^ (i * 0x9E3779B9);
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        x ^= x >>> 13;
        x *= 0xC2B2AE35;
        x ^= x >>> 16;
        return (x >>> 8) * 0x1p-24 * 2 - 1;
    }
}
