package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;

/** Test helper: fixture masks are stored as float tensors (1 = true). */
final class Masks {
    private Masks() {}

    static boolean[][] toBoolean(Tensor mask) {
        int rows = mask.size(0), cols = mask.size(1);
        boolean[][] m = new boolean[rows][cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m[r][c] = mask.get(r, c) != 0f;
        return m;
    }

    /** [B][L] with the last (L − lengths[b]) entries true. */
    static boolean[][] padding(int[] lengths, int L) {
        boolean[][] m = new boolean[lengths.length][L];
        for (int b = 0; b < lengths.length; b++) for (int t = lengths[b]; t < L; t++) m[b][t] = true;
        return m;
    }
}
