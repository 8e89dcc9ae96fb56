package io.ringtrain.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VectorOpsSimd} against {@link VectorOpsReference} on lengths that leave every kind of
 * tail (0, 1, 7, 33, 1023), at odd offsets. Element-wise kernels must be bit-for-bit equal (the
 * same float operations, none fused); elements outside [off, off+len) must be untouched.
 */
class VectorOpsSimdTest {
    private static final int OFF_X = 3, OFF_Y = 5, OFF_OUT = 2, PAD = 4;

    private static float[] random(long seed, int length) {
        return GemmSimdTest.randomArray(new Random(seed), length);
    }

    @ParameterizedTest(name = "len={0}")
    @ValueSource(ints = {0, 1, 7, 33, 1023})
    void elementwiseOpsEqualTheReferenceBitForBit(int len) {
        float[] x = random(1, OFF_X + len + PAD), y = random(2, OFF_Y + len + PAD);
        float[] base = random(3, OFF_OUT + len + PAD);
        float[] expected = base.clone(), actual = base.clone();

        VectorOpsReference.add(x, OFF_X, y, OFF_Y, expected, OFF_OUT, len);
        VectorOpsSimd.add(x, OFF_X, y, OFF_Y, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "add");

        VectorOpsReference.sub(x, OFF_X, y, OFF_Y, expected, OFF_OUT, len);
        VectorOpsSimd.sub(x, OFF_X, y, OFF_Y, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "sub");

        VectorOpsReference.mul(x, OFF_X, y, OFF_Y, expected, OFF_OUT, len);
        VectorOpsSimd.mul(x, OFF_X, y, OFF_Y, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "mul");

        VectorOpsReference.scale(0.3f, x, OFF_X, expected, OFF_OUT, len);
        VectorOpsSimd.scale(0.3f, x, OFF_X, actual, OFF_OUT, len);
        assertArrayEquals(expected, actual, "scale");
    }

    @Test
    void inPlaceUpdateGivesTheSameAsSeparateOutput() {
        float[] x = random(7, 1023), y = random(8, 1023);
        float[] separate = new float[1023];
        VectorOpsSimd.add(x, 0, y, 0, separate, 0, 1023);
        VectorOpsSimd.add(x, 0, y, 0, x, 0, 1023);
        assertArrayEquals(separate, x);
    }

    @Test
    void publicFacadeRejectsARangeOutsideTheArrayNamingTheArgument() {
        float[] x = new float[10], y = new float[10], out = new float[8];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorOps.add(x, 0, y, 0, out, 0, 9));
        assertTrue(e.getMessage().startsWith("out["), e.getMessage());
    }
}
