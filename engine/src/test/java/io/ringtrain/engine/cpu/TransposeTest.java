package io.ringtrain.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TransposeTest {
    @Test
    void everyElementLandsAtItsTransposedPlaceForSizesAroundTheTile() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int rows : new int[] {1, 3, 15, 16, 17, 64}) {
            for (int cols : new int[] {1, 7, 16, 33, 196}) {
                float[] src = new float[5 + rows * cols];
                for (int i = 0; i < src.length; i++) src[i] = (float) rng.nextDouble();
                float[] dst = new float[3 + rows * cols + 4];
                Arrays.fill(dst, -1f);
                Transpose.transpose(src, 5, rows, cols, dst, 3);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) assertEquals(src[5 + r * cols + c], dst[3 + c * rows + r], rows + "x" + cols + " at " + r + "," + c);
                }
                for (int i : new int[] {0, 1, 2, dst.length - 4, dst.length - 1}) assertEquals(-1f, dst[i], "written outside dst's range at " + i);
            }
        }
    }

    @Test
    void transposingTwiceGivesTheMatrixBack() {
        float[] a = new float[17 * 40];
        for (int i = 0; i < a.length; i++) a[i] = i;
        assertArrayEquals(a, Transpose.transpose(Transpose.transpose(a, 17, 40), 40, 17));
    }
}
