package io.ringtrain.trainer.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GlobalBatchPlanTest {
    @Test
    void ranksTogetherSeeExactlyTheSingleReplicaBatches() {
        GlobalBatchPlan four = new GlobalBatchPlan(103, 4, 8, 11, false);
        GlobalBatchPlan one = new GlobalBatchPlan(103, 1, 32, 11, false);
        assertEquals(one.stepsPerEpoch(), four.stepsPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int step = 0; step < four.stepsPerEpoch(); step++) {
                int e = epoch, s = step;
                int[] joined = IntStream.range(0, 4).flatMap(r -> Arrays.stream(four.indices(e, s, r))).toArray();
                assertArrayEquals(one.indices(epoch, step, 0), joined, "epoch " + epoch + " step " + step);
            }
        }
    }

    @Test
    void shortLastStepLeavesSomeRanksEmptyButEveryRankHasTheStep() {
        GlobalBatchPlan plan = new GlobalBatchPlan(10, 3, 2, 1, false); // global batches 6 + 4
        assertEquals(2, plan.stepsPerEpoch());
        assertEquals(2, plan.indices(0, 1, 0).length);
        assertEquals(2, plan.indices(0, 1, 1).length);
        assertEquals(0, plan.indices(0, 1, 2).length);
    }

    @Test
    void theGlobalCountEveryRankComputesEqualsTheSumOfTheRanksBatches() {
        for (int[] c : new int[][] {{10, 3, 2}, {100, 4, 6}, {7, 8, 1}, {64, 2, 32}}) {
            GlobalBatchPlan plan = new GlobalBatchPlan(c[0], c[1], c[2], 3, false);
            for (int step = 0; step < plan.stepsPerEpoch(); step++) {
                int sum = 0;
                for (int rank = 0; rank < c[1]; rank++) sum += plan.indices(0, step, rank).length;
                assertEquals(sum, plan.globalSamples(step), "n=" + c[0] + " W=" + c[1] + " b=" + c[2] + " step " + step);
            }
            assertEquals(c[0], plan.globalSamples(0, plan.stepsPerEpoch()), "an epoch's steps together hold the whole data set");
        }
    }

    @Test
    void epochsReshuffleDeterministically() {
        GlobalBatchPlan plan = new GlobalBatchPlan(50, 2, 5, 42, true);
        assertArrayEquals(plan.permutation(3), new GlobalBatchPlan(50, 2, 5, 42, true).permutation(3));
        assertFalse(Arrays.equals(plan.permutation(0), plan.permutation(1)));
        int[] sorted = plan.permutation(0).clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, 50).toArray(), sorted, "a permutation");
    }

    @Test
    void tooLargeABatchWithDropLastIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GlobalBatchPlan(10, 4, 4, 0, true));
        assertFalse(e.getMessage().isEmpty());
    }
}
