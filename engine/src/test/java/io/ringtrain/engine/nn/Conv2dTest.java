package io.ringtrain.engine.nn;

import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Conv2dTest {
    private static final SplittableRandom RNG = new SplittableRandom(11);

    // float32 sums of up to 36 products on both sides, different orders: ~1e-6 relative; 1e-4 leaves margin.
    private static final double ATOL = 1e-4, RTOL = 1e-4;

    private static Conv2d conv(int in, int out, int[] k, int[] s, int[] p, int[] d, int groups, boolean bias) {
        return new Conv2d(in, out, k, s, p, d, groups, bias);
    }

    @Test
    void matchesPyTorchForPaddingStrideDilationGroupsAndPointwise() {
        LayerGolden.check("conv_basic", conv(3, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true), ATOL, RTOL);
        LayerGolden.check("conv_stride_pad", conv(2, 3, new int[] {3, 3}, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, 1, true), ATOL, RTOL);
        LayerGolden.check("conv_dilation", conv(2, 3, new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 2}, new int[] {2, 2}, 1, false), ATOL, RTOL);
        LayerGolden.check("conv_groups_rect", conv(4, 6, new int[] {3, 2}, new int[] {1, 2}, new int[] {1, 0}, new int[] {1, 1}, 2, true), ATOL, RTOL);
        LayerGolden.check("conv_pointwise", conv(4, 6, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2, true), ATOL, RTOL);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Conv2d strided = conv(2, 3, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 2}, 1, true);
        Tensor x = Tensor.randn(RNG, 2, 2, 6, 5);
        GradCheck.check("conv stride 2×1, pad 1, dilation 1×2", in -> strided.forward(in.get(0)), x);
        GradCheck.check("conv weight and bias", in -> strided.forward(x), strided.weight(), strided.bias());
        Conv2d grouped = conv(4, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2, false);
        Tensor xg = Tensor.randn(RNG, 1, 4, 4, 4);
        GradCheck.check("conv groups=2", in -> grouped.forward(in.get(0)), xg);
        GradCheck.check("conv groups=2 weight", in -> grouped.forward(xg), grouped.weight());
        Conv2d pointwise = conv(2, 3, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, true);
        GradCheck.check("conv 1×1", in -> pointwise.forward(in.get(0)), Tensor.randn(RNG, 2, 2, 3, 3));
    }

    @Test
    void outputIsTheSameForOneImageOrABatch() {
        Conv2d c = new Conv2d(3, 5, 3, 1, 1);
        Tensor batch = Tensor.randn(RNG, 4, 3, 8, 8);
        float[] all = c.forward(batch).toArray();
        float[] second = c.forward(batch.narrow(0, 1, 1).contiguous()).toArray();
        float[] expected = java.util.Arrays.copyOfRange(all, 5 * 64, 2 * 5 * 64);
        assertArrayEquals(expected, second, 1e-5f, "image 1 alone equals image 1 of the batch");
    }

    @Test
    void aSecondForwardBeforeBackwardKeepsTheFirstGraphIntact() {
        Conv2d c = new Conv2d(2, 3, 3, 1, 1);
        Tensor x1 = Tensor.randn(RNG, 2, 2, 5, 5).requiresGrad(true), x2 = Tensor.randn(RNG, 2, 2, 5, 5);
        Tensor y1 = c.forward(x1);
        c.forward(x2).sum().backward();
        c.weight().zeroGrad();
        y1.sum().backward();
        float[] viaFirst = c.weight().gradArray().clone();
        c.weight().zeroGrad();
        c.forward(x1).sum().backward();
        assertArrayEquals(c.weight().gradArray(), viaFirst, 1e-5f, "the patch matrix of the first forward was not overwritten");
        try (var s = GradMode.noGrad()) {
            assertTrue(!c.forward(x1).requiresGrad());
        }
    }

    @Test
    void wrongChannelCountIsNamedInTheError() {
        Conv2d c = new Conv2d(1, 4, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(2, 3, 8, 8)));
        assertTrue(e.getMessage().contains("[2, 3, 8, 8]") && e.getMessage().contains("in_channels=1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true), "3 channels do not split into 2 groups");
    }
}
