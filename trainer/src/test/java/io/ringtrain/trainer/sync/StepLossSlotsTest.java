package io.ringtrain.trainer.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ringtrain.allreduce.Compression;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.trainer.LocalRing;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The step's loss travels in the last gradient bucket beside the timings ({@link RankSlots}): it
 * must come out as the exact double sum of the ranks' losses, under bfloat16 compression too.
 */
class StepLossSlotsTest {
    /** Losses with every one of a double's 53 bits in use, and a sample count beyond float's 24 bits. */
    private static double lossOf(int rank) {
        return 0.1234567890123456789 * (rank + 1) + Math.PI * 1e3 * rank;
    }

    private static final long SAMPLES = (1L << 25) + 3;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void theStepLossOfEveryRankArrivesExactlyOnEveryRank(Compression wire) {
        List<double[]> seen = LocalRing.run(3, comm -> {
            Init.manualSeed(7);
            Linear model = new Linear(4, 2);
            DistributedReplica replica = new DistributedReplica(model, comm, ReplicaOptions.DEFAULTS.withGradientCompression(wire));
            replica.beginStep(2, 6);
            Tensor x = Tensor.randn(new SplittableRandom(comm.rank()), 2, 4);
            replica.recordStepLoss(lossOf(comm.rank()), SAMPLES + comm.rank());
            model.forward(x).sum().mul(1f / 6).backward();
            replica.finishGradients();
            assertNotNull(replica.computeMillisByRank());
            assertNotNull(replica.sendStallMillisByRank());
            return new double[] {replica.stepLossSum(), replica.stepSamples()};
        });
        double expected = lossOf(0) + lossOf(1) + lossOf(2);
        for (double[] rank : seen) assertArrayEquals(new double[] {expected, 3 * SAMPLES + 3}, rank);
    }

    /** The wire as the ring treats it: bfloat16 rounds every element sent and every partial sum. */
    private static float[] sumOverRanks(List<float[]> blocks, Compression wire) {
        float[] sum = new float[blocks.get(0).length];
        for (float[] block : blocks) {
            for (int i = 0; i < sum.length; i++) {
                float v = wire == Compression.BF16 ? io.ringtrain.allreduce.reduce.BFloat16.round(block[i]) : block[i];
                sum[i] = wire == Compression.BF16 ? io.ringtrain.allreduce.reduce.BFloat16.round(sum[i] + v) : sum[i] + v;
            }
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void randomDoublesSurviveTheWireAndTheSumWithZeros(Compression wire) {
        SplittableRandom random = new SplittableRandom(11);
        RankSlots slots = new RankSlots(4, wire);
        for (int trial = 0; trial < 1000; trial++) {
            double[] losses = new double[4];
            long[] samples = new long[4];
            List<float[]> blocks = new java.util.ArrayList<>();
            for (int r = 0; r < 4; r++) {
                losses[r] = (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(-6, 12));
                float[] block = new float[slots.floats()];
                samples[r] = random.nextLong(1L << 40);
                slots.write(block, r, 1f, 2f, losses[r], samples[r]);
                blocks.add(block);
            }
            float[] summed = sumOverRanks(blocks, wire);
            for (int r = 0; r < 4; r++) {
                assertEquals(losses[r], slots.lossSum(summed, r), 0.0, "rank " + r + " of trial " + trial);
                assertEquals(samples[r], slots.samples(summed, r), "rank " + r + " of trial " + trial);
            }
        }
    }

    @Test
    void nonFiniteLossesStayNonFinite() {
        RankSlots slots = new RankSlots(2, Compression.BF16);
        float[] block = new float[slots.floats()];
        slots.write(block, 1, 0f, 0f, Double.NaN, 5);
        assertEquals(Double.NaN, slots.lossSum(block, 1));
        assertEquals(5, slots.samples(block, 1));
        assertEquals(0.0, slots.lossSum(block, 0));
    }
}
