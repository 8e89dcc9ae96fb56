package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.GradCheck;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.LayerGolden;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RNN, LSTM and GRU against PyTorch (tools/golden/seq_layers.py), finite differences and padding invariance. */
class RecurrentLayersTest {
    private static final SplittableRandom RNG = new SplittableRandom(21);
    // float32 recurrences over ≤ 6 steps and 2 layers: PyTorch and we differ by ~1e-6; 1e-5/1e-4 leaves margin.
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    @Test
    void lstmTwoLayersBidirectionalWithInitialStatesMatchesPyTorch() {
        runGolden("seq_lstm", new LSTM(4, 6, 2, true, false, 0f));
    }

    @Test
    void lstmWithLengthsMatchesPackedPyTorch() {
        runGolden("seq_lstm_lengths", new LSTM(4, 6, 2, true, true, 0f));
    }

    @Test
    void gruTwoLayersBidirectionalWithInitialStateMatchesPyTorch() {
        runGolden("seq_gru", new GRU(4, 6, 2, true, false, 0f));
    }

    @Test
    void gruWithLengthsMatchesPackedPyTorch() {
        runGolden("seq_gru_lengths", new GRU(4, 5, 2, true, true, 0f));
    }

    @Test
    void rnnTanhTwoLayersBidirectionalMatchesPyTorch() {
        runGolden("seq_rnn_tanh", new RNN(4, 6, 2, RNN.Nonlinearity.TANH, true, false, 0f));
    }

    @Test
    void rnnReluWithLengthsMatchesPackedPyTorch() {
        runGolden("seq_rnn_relu_lengths", new RNN(4, 6, 1, RNN.Nonlinearity.RELU, false, true, 0f));
    }

    private static void runGolden(String name, RecurrentLayer rnn) {
        Golden g = Golden.load(name);
        LayerGolden.loadParameters(g, rnn);
        Tensor x = g.get("x").requiresGrad(true);
        Tensor h0 = g.has("h0") ? g.get("h0").requiresGrad(true) : null;
        Tensor c0 = g.has("c0") ? g.get("c0").requiresGrad(true) : null;
        int[] lengths = null;
        if (g.has("lengths")) {
            float[] l = g.get("lengths").toArray();
            lengths = new int[l.length];
            for (int i = 0; i < l.length; i++) lengths[i] = (int) l[i];
        }
        RecurrentLayer.Output out = rnn.forward(x, h0, c0, lengths);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("output", out.output());
        outputs.put("h_n", out.hN());
        if (out.cN() != null) outputs.put("c_n", out.cN());
        LayerGolden.compareOutputsAndLoss(g, outputs, ATOL, RTOL).backward();
        g.assertClose("grad.x", x.grad(), ATOL, RTOL);
        if (h0 != null) g.assertClose("grad.h0", h0.grad(), ATOL, RTOL);
        if (c0 != null) g.assertClose("grad.c0", c0.grad(), ATOL, RTOL);
        LayerGolden.compareParameterGradients(g, rnn, ATOL, RTOL);
    }

    @Test
    void parameterNamesFollowPyTorch() {
        var names = new LSTM(3, 4, 2, true, false, 0f).namedParameters().keySet();
        assertTrue(names.contains("weight_ih_l0") && names.contains("bias_hh_l1_reverse") && names.contains("weight_hh_l1"), names.toString());
        assertEquals(16, names.size());
        assertEquals(4 * 4 * 3, new LSTM(3, 4).namedParameters().get("weight_ih_l0").numel(), "LSTM packs 4 gates");
        assertEquals(3 * 4 * 4, new GRU(3, 4).namedParameters().get("weight_hh_l0").numel(), "GRU packs 3 gates");
    }

    @Test
    void gradientsMatchFiniteDifferencesForEveryCell() {
        // float32 recurrences amplify the central-difference noise; eps 1e-2 with the default tolerances.
        for (RecurrentLayer rnn : new RecurrentLayer[] {
                new LSTM(3, 4, 1, true, false, 0f), new GRU(3, 4, 1, true, false, 0f),
                new RNN(3, 4, 1, RNN.Nonlinearity.TANH, true, false, 0f)}) {
            Tensor x = Tensor.randn(RNG, 4, 2, 3), h0 = Tensor.randn(RNG, 2, 2, 4).mul(0.5f).detach();
            Tensor c0 = rnn instanceof LSTM ? Tensor.randn(RNG, 2, 2, 4) : null;
            int[] lengths = {4, 2};
            Tensor[] params = rnn.parameters().toArray(new Tensor[0]);
            Tensor[] all = new Tensor[params.length + (c0 == null ? 2 : 3)];
            all[0] = x;
            all[1] = h0;
            if (c0 != null) all[2] = c0;
            System.arraycopy(params, 0, all, all.length - params.length, params.length);
            GradCheck.check(rnn.getClass().getSimpleName() + " with lengths", in -> {
                RecurrentLayer.Output o = rnn.forward(in.get(0), in.get(1), c0 == null ? null : in.get(2), lengths);
                Tensor flat = Tensor.cat(java.util.List.of(o.output().reshape(-1), o.hN().reshape(-1)), 0);
                return o.cN() == null ? flat : Tensor.cat(java.util.List.of(flat, o.cN().reshape(-1)), 0);
            }, all);
        }
    }

    @Test
    void appendedPaddingChangesNothingAtRealStepsAndGetsNoGradient() {
        for (boolean lstm : new boolean[] {true, false}) {
            Init.manualSeed(4);
            RecurrentLayer rnn = lstm ? new LSTM(3, 5, 2, true, true, 0f) : new GRU(3, 5, 2, true, true, 0f);
            int[] lengths = {4, 2, 3};
            Tensor x = Tensor.randn(RNG, 3, 4, 3);
            Tensor padded = Tensor.cat(java.util.List.of(x, Tensor.randn(RNG, 3, 3, 3).mul(10f).detach()), 1).requiresGrad(true);
            RecurrentLayer.Output shortRun = rnn.forward(x, null, null, lengths);
            RecurrentLayer.Output longRun = rnn.forward(padded, null, null, lengths);
            float[] a = shortRun.output().toArray(), b = longRun.output().narrow(1, 0, 4).toArray();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-6f, "output element " + i);
            float[] ha = shortRun.hN().toArray(), hb = longRun.hN().toArray();
            for (int i = 0; i < ha.length; i++) assertEquals(ha[i], hb[i], 1e-6f, "final hidden element " + i);
            longRun.output().mul(Tensor.randn(RNG, longRun.output().shape())).sum().add(longRun.hN().sum()).backward();
            Tensor gx = padded.grad();
            for (int b2 = 0; b2 < 3; b2++) {
                for (int t = lengths[b2]; t < 7; t++) {
                    for (int k = 0; k < 3; k++) assertEquals(0f, gx.get(b2, t, k), "padded step " + t + " of sequence " + b2 + " gets no gradient");
                }
                assertTrue(gx.get(b2, 0, 0) != 0f, "real steps do get gradient");
            }
        }
    }

    @Test
    void wrongInputSizeIsReportedWithTheExpectedShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LSTM(3, 4).forward(Tensor.zeros(2, 2, 5)));
        assertTrue(e.getMessage().contains("[2, 2, 5]") && e.getMessage().contains("input_size=3"), e.getMessage());
    }

}
