package io.ringtrain.jobs.augment.geometric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector row lerp against the scalar reference (exact: the same expression per value). */
class RowLerpVectorTest {
    @Test
    void vectorLerpMatchesTheScalarReference() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int w = 1; w <= 70; w++) {
            float[] rows = new float[3 * w];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) (rng.nextDouble() * 255);
            }
            float b = (float) rng.nextDouble();
            float[] vector = new float[3 * w];
            float[] scalar = new float[3 * w];
            int done = RowLerpVector.lerp(rows, 2 * w, 0, 1 - b, b, vector, w, w);
            Warp.lerpRowsScalar(rows, 2 * w, 0, 1 - b, b, vector, w, w, done);
            Warp.lerpRowsScalar(rows, 2 * w, 0, 1 - b, b, scalar, w, w, 0);
            assertArrayEquals(scalar, vector, 0f, "width " + w);
        }
    }
}
