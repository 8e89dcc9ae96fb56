package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Autoregressive sampling from a {@link LanguageModel}: each step feeds the last {@code context}
 * tokens and draws the next from softmax(logits / temperature) (arg-max when temperature is 0).
 * The whole context is recomputed every step: simple and cheap for the few hundred characters a
 * sample shows.
 */
public final class TextGeneration {
    private TextGeneration() {}

    /** {@code length} new tokens after {@code prompt} (not included); seeded, so the same call gives the same text. */
    public static int[] sample(LanguageModel model, int[] prompt, int length, int context, double temperature, long seed) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty: give at least one token to continue");
        if (temperature < 0) throw new IllegalArgumentException("temperature " + temperature + " is negative; use 0 for greedy decoding");
        int window = Math.min(context, model.maxContext());
        SplittableRandom rng = new SplittableRandom(seed);
        int[] tokens = Arrays.copyOf(prompt, prompt.length + length);
        boolean wasTraining = model.module().isTraining();
        model.module().eval();
        try (var scope = GradMode.noGrad()) {
            for (int n = prompt.length; n < tokens.length; n++) {
                int from = Math.max(0, n - window);
                Tensor logits = model.logits(Arrays.copyOfRange(tokens, from, n), 1, n - from);
                float[] last = logits.narrow(1, n - from - 1, 1).toArray();
                tokens[n] = temperature == 0 ? argmax(last) : draw(last, temperature, rng);
            }
        } finally {
            model.module().train(wasTraining);
        }
        return Arrays.copyOfRange(tokens, prompt.length, tokens.length);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int draw(float[] logits, double temperature, SplittableRandom rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v / temperature);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] / temperature - max);
        double u = rng.nextDouble() * sum;
        for (int i = 0; i < p.length; i++) if ((u -= p[i]) <= 0) return i;
        return p.length - 1;
    }
}
