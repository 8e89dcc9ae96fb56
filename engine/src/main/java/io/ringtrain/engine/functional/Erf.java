package io.ringtrain.engine.functional;

/**
 * The error function in double precision (Java's Math has none). Uses the Chebyshev fit of
 * erfc from Numerical Recipes (§6.2, "erfccheb"), fractional error below 1.2e-7 everywhere —
 * better than float32 needs.
 */
final class Erf {
    private Erf() {}

    static double erf(double x) {
        return 1.0 - erfc(x);
    }

    /** erfc(x) = 1 − erf(x); t = 1/(1 + |x|/2), erfc(|x|) ≈ t·exp(−x² + P(t)). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
