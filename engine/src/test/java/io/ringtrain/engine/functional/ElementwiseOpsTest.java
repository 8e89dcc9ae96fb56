package io.ringtrain.engine.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ringtrain.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * add, sub and mul run on the VectorOps kernels: their values and gradients must be bit-for-bit
 * those of plain scalar loops (the definition), with and without broadcasting.
 */
class ElementwiseOpsTest {
    private static final SplittableRandom RNG = new SplittableRandom(20);

    @Test
    void sameShapeAddSubMulAndTheirGradientsEqualScalarLoopsBitForBit() {
        float[] a = Tensor.randn(RNG, 5, 37).data(), b = Tensor.randn(RNG, 5, 37).data(), g = Tensor.randn(RNG, 5, 37).data();
        for (String op : new String[] {"add", "sub", "mul"}) {
            Tensor x = Tensor.of(a.clone(), 5, 37).requiresGrad(true), y = Tensor.of(b.clone(), 5, 37).requiresGrad(true);
            Tensor out = switch (op) {
                case "add" -> ElementwiseOps.add(x, y);
                case "sub" -> ElementwiseOps.sub(x, y);
                default -> ElementwiseOps.mul(x, y);
            };
            out.backward(Tensor.of(g.clone(), 5, 37));
            float[] value = new float[a.length], ga = new float[a.length], gb = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                switch (op) {
                    case "add" -> { value[i] = a[i] + b[i]; ga[i] = g[i]; gb[i] = g[i]; }
                    case "sub" -> { value[i] = a[i] - b[i]; ga[i] = g[i]; gb[i] = -g[i]; }
                    default -> { value[i] = a[i] * b[i]; ga[i] = g[i] * b[i]; gb[i] = g[i] * a[i]; }
                }
            }
            assertArrayEquals(value, out.toArray(), op + " value");
            assertArrayEquals(ga, x.gradArray(), op + " gradient of the left operand");
            assertArrayEquals(gb, y.gradArray(), op + " gradient of the right operand");
        }
    }

    @Test
    void broadcastMulSumsTheRightOperandsGradientOverTheBroadcastRows() {
        float[] a = Tensor.randn(RNG, 3, 4).data(), b = Tensor.randn(RNG, 4).data();
        Tensor x = Tensor.of(a.clone(), 3, 4).requiresGrad(true), y = Tensor.of(b.clone(), 4).requiresGrad(true);
        Tensor out = ElementwiseOps.mul(x, y);
        out.backward(Tensor.ones(3, 4));
        float[] value = new float[12], gb = new float[4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                value[r * 4 + c] = a[r * 4 + c] * b[c];
                gb[c] += a[r * 4 + c];
            }
        }
        assertArrayEquals(value, out.toArray());
        assertArrayEquals(gb, y.gradArray());
    }
}
