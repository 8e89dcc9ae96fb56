package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

/** Input and output checks shared by the 2-D pooling layers. */
final class Pooling {
    private Pooling() {}

    static int[] checkInput(Tensor input, Module layer) {
        int[] s = input.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException(layer + " expects a 4-D input [N, C, H, W], got shape " + Shape.str(s));
        }
        return s;
    }

    static void checkOutput(int[] s, int oh, int ow, Module layer) {
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("input " + Shape.str(s) + " is too small for " + layer + ": the output would be " + oh + "×" + ow);
        }
    }
}
