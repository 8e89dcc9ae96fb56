package io.ringtrain.trainer.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShuffleBufferTest {
    private static List<Integer> drain(Iterator<Integer> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void handsOutEveryItemOnceHoldingAtMostItsCapacity() {
        int[] pulled = {0};
        Iterator<Integer> source = new Iterator<>() {
            int next;

            public boolean hasNext() {
                return next < 1000;
            }

            public Integer next() {
                pulled[0]++;
                return next++;
            }
        };
        ShuffleBuffer<Integer> buffer = new ShuffleBuffer<>(source, 50, 7);
        List<Integer> out = new ArrayList<>();
        while (buffer.hasNext()) {
            out.add(buffer.next());
            assertTrue(buffer.held() <= 50 && pulled[0] - out.size() <= 50, "held " + buffer.held() + ", read ahead " + (pulled[0] - out.size()));
        }
        assertEquals(range(1000), out.stream().sorted().toList());
        assertNotEquals(range(1000), out);
    }

    @Test
    void theSameSeedGivesTheSameOrderAndCapacityOneKeepsTheSourceOrder() {
        assertEquals(drain(new ShuffleBuffer<>(range(300).iterator(), 20, 3)), drain(new ShuffleBuffer<>(range(300).iterator(), 20, 3)));
        assertNotEquals(drain(new ShuffleBuffer<>(range(300).iterator(), 20, 3)), drain(new ShuffleBuffer<>(range(300).iterator(), 20, 4)));
        assertEquals(range(300), drain(new ShuffleBuffer<>(range(300).iterator(), 1, 3)));
    }

    @Test
    void streamPlanCoversEveryPositionOnceWithAShortLastStep() {
        StreamPlan plan = new StreamPlan(70, 32);
        assertEquals(3, plan.stepsPerEpoch());
        assertEquals(6, plan.indices(plan.order(0), 2, 0).length);
        assertEquals(64, plan.indices(plan.order(0), 2, 0)[0]);
    }
}
