package io.ringtrain.jobs.augment.geometric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The vector row reversal against the scalar reference, for widths around the vector length (exact: it only moves values). */
class RowReverseVectorTest {
    @Test
    void vectorReversalMatchesTheScalarReference() {
        for (int w = 1; w <= 70; w++) {
            float[] in = new float[3 * w];
            for (int i = 0; i < in.length; i++) {
                in[i] = i * 1.5f;
            }
            float[] vector = new float[in.length];
            float[] scalar = new float[in.length];
            int done = RowReverseVector.reverseRow(in, vector, w, w); // the middle row
            HorizontalFlip.reverseRowsScalar(in, vector, w, w, done);
            HorizontalFlip.reverseRowsScalar(in, scalar, w, w, 0);
            assertArrayEquals(scalar, vector, 0f, "width " + w);
        }
    }
}
