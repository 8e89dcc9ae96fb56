package io.ringtrain.trainer.sync;

import io.ringtrain.engine.Golden;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm2d;
import io.ringtrain.trainer.LocalRing;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SyncBatchNorm over W ranks must equal PyTorch's BatchNorm2d on the concatenated batch
 * (fixture: tools/golden/sync_bn.py): y, dx, dγ, dβ and the running statistics.
 */
class SyncBatchNormTest {
    /** float32 outputs against PyTorch's float32 on the whole batch; our statistics are float64, so ~1e-6 relative. */
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    @Test
    void unevenSplitWithAnEmptyRankEqualsBatchNormOnTheWholeBatch() {
        checkSplit(new int[] {4, 6, 0});
    }

    @Test
    void evenSplitOverTwoRanksEqualsBatchNormOnTheWholeBatch() {
        checkSplit(new int[] {5, 5});
    }

    @Test
    void singleRankIsPlainBatchNorm() {
        checkSplit(new int[] {10});
    }

    private void checkSplit(int[] sizes) {
        Golden g = Golden.load("sync_batch_norm");
        Tensor x = g.get("x"), w = g.get("w");
        int[] starts = new int[sizes.length];
        for (int r = 1; r < sizes.length; r++) starts[r] = starts[r - 1] + sizes[r - 1];
        List<Result> results = LocalRing.run(sizes.length, comm -> {
            int r = comm.rank();
            BatchNorm2d bn = new BatchNorm2d(3);
            assertEquals(1, SyncBatchNorm.convert(bn, comm));
            bn.weight().copyFrom(g.get("weight"));
            bn.bias().copyFrom(g.get("bias"));
            Tensor xr = Tensor.of(x.narrow(0, starts[r], sizes[r]).toArray(), sizes[r], 3, 4, 5).requiresGrad(true);
            Tensor wr = w.narrow(0, starts[r], sizes[r]);
            Tensor y = bn.forward(xr);
            y.mul(wr).sum().backward();
            return new Result(y, xr.grad() == null ? Tensor.zeros(xr.shape()) : xr.grad(), bn.weight().grad(), bn.bias().grad(),
                    bn.namedBuffers().get("running_mean"), bn.namedBuffers().get("running_var"));
        });
        List<Tensor> ys = new ArrayList<>(), dxs = new ArrayList<>();
        float[] dWeight = new float[3], dBias = new float[3];
        for (Result res : results) {
            ys.add(res.y);
            dxs.add(res.dx);
            for (int c = 0; c < 3; c++) {
                dWeight[c] += res.dWeight.toArray()[c];
                dBias[c] += res.dBias.toArray()[c];
            }
            g.assertClose("running_mean", res.runningMean, ATOL, RTOL);
            g.assertClose("running_var", res.runningVar, ATOL, RTOL);
        }
        g.assertClose("y", Tensor.cat(ys, 0), ATOL, RTOL);
        g.assertClose("dx", Tensor.cat(dxs, 0), ATOL, RTOL);
        g.assertClose("dweight", Tensor.of(dWeight, 3), 1e-4, RTOL);
        g.assertClose("dbias", Tensor.of(dBias, 3), 1e-4, RTOL);
        // Every rank holds bitwise the same running statistics.
        for (Result res : results) assertArrayEquals(results.get(0).runningVar.toArray(), res.runningVar.toArray());
        assertEquals(sizes.length, results.size());
    }

    private record Result(Tensor y, Tensor dx, Tensor dWeight, Tensor dBias, Tensor runningMean, Tensor runningVar) {}
}
