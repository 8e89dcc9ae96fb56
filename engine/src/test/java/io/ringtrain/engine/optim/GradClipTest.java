package io.ringtrain.engine.optim;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * clip_grad_norm_ / clip_grad_value_ against PyTorch 1.13 (fixture: tools/golden/optim.py): three
 * gradients [4, 3], [7], [2, 2, 2]. We sum in double, PyTorch in float32, so the total norm may
 * differ by a few float ulps: 1e-6 relative; clipped gradients the same.
 */
class GradClipTest {
    private static final Golden G = Golden.load("optim");
    private static final double RTOL = 1e-6, ATOL = 1e-7;

    private static List<Tensor> paramsWithFixtureGrads() {
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Tensor g = G.get("clip.grad." + i);
            Tensor p = Tensor.zeros(g.shape()).requiresGrad(true);
            p.setGrad(g.toArray());
            params.add(p);
        }
        return params;
    }

    private static void checkNormClip(String label, double maxNorm, double normType) {
        List<Tensor> params = paramsWithFixtureGrads();
        double total = GradClip.clipGradNorm(params, maxNorm, normType);
        float expectedTotal = G.get("clip." + label + ".total_norm").item();
        assertEquals(expectedTotal, total, RTOL * expectedTotal, label + " total norm");
        for (int i = 0; i < 3; i++) G.assertClose("clip." + label + ".clipped." + i, params.get(i).grad(), ATOL, RTOL);
    }

    @Test
    void globalL2NormIsReturnedAndGradientsScaledToMaxNorm() {
        checkNormClip("l2", 1.0, 2.0);
    }

    @Test
    void gradientsBelowMaxNormAreLeftAlone() {
        checkNormClip("l2_noclip", 100.0, 2.0);
    }

    @Test
    void infinityNormIsTheLargestAbsoluteElement() {
        checkNormClip("inf", 1.0, Double.POSITIVE_INFINITY);
    }

    @Test
    void oneNormIsSupported() {
        checkNormClip("l1", 5.0, 1.0);
    }

    @Test
    void clipGradValueClampsEachElement() {
        List<Tensor> params = paramsWithFixtureGrads();
        GradClip.clipGradValue(params, 0.5);
        for (int i = 0; i < 3; i++) G.assertClose("clip.value.clipped." + i, params.get(i).grad(), 0, 0);
    }

    @Test
    void parametersWithoutGradientAreIgnored() {
        Tensor withGrad = Tensor.zeros(2).requiresGrad(true), without = Tensor.zeros(3).requiresGrad(true);
        withGrad.setGrad(new float[] {3f, 4f});
        double total = GradClip.clipGradNorm(List.of(withGrad, without), 1.0);
        assertEquals(5.0, total, 1e-12);
        assertNull(without.grad());
        float coef = (float) (1.0 / (5 + 1e-6));   // maxNorm / (total + 1e-6), PyTorch's epsilon
        assertArrayEquals(new float[] {3f * coef, 4f * coef}, withGrad.gradArray(), 0f);
        assertEquals(0.0, GradClip.clipGradNorm(List.of(without), 1.0), "no gradients: norm 0");
    }

    @Test
    void nonFiniteNormThrowsWhenAskedAndLeavesGradientsAlone() {
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        p.setGrad(new float[] {Float.NaN, 1f});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GradClip.clipGradNorm(List.of(p), 1.0, 2.0, true));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(1f, p.gradArray()[1]);
        assertTrue(Double.isNaN(GradClip.clipGradNorm(List.of(p), 1.0)), "without the flag the NaN norm is returned");
    }
}
