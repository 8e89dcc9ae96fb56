package io.ringtrain.engine.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class BatchIteratorTest {
    /** Ten samples of shape [2] whose features encode the sample index (i, −i) and label i. */
    private static ArrayDataset tenSamples() {
        float[] x = new float[20];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i;
        }
        return new ArrayDataset(x, y, 2);
    }

    private static List<Integer> order(BatchIterator it) {
        List<Integer> seen = new ArrayList<>();
        while (it.hasNext()) {
            BatchIterator.Batch b = it.next();
            float[] x = b.inputs().toArray();
            for (int i = 0; i < b.size(); i++) {
                assertEquals(b.labels()[i], (int) x[2 * i], "features travel with their label");
                seen.add(b.labels()[i]);
            }
        }
        return seen;
    }

    @Test
    void sameSeedSameBatchesAndEverySampleOnce() {
        List<Integer> a = order(new BatchIterator(tenSamples(), 3, true, 42, false));
        List<Integer> b = order(new BatchIterator(tenSamples(), 3, true, 42, false));
        assertEquals(a, b);
        Integer[] sorted = a.toArray(new Integer[0]);
        Arrays.sort(sorted);
        assertArrayEquals(new Integer[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
        assertNotEquals(a, order(new BatchIterator(tenSamples(), 3, true, 43, false)), "another seed, another order");
        assertNotEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), a, "shuffled");
    }

    @Test
    void lastSmallBatchIsKeptOrDropped() {
        BatchIterator keep = new BatchIterator(tenSamples(), 4, false, 0, false);
        assertEquals(3, keep.batches());
        keep.next();
        keep.next();
        assertEquals(2, keep.next().size());
        assertEquals(2, new BatchIterator(tenSamples(), 4, false, 0, true).batches());
        assertArrayEquals(new int[] {4, 2}, new BatchIterator(tenSamples(), 4, false, 0, false).next().inputs().shape());
    }

    @Test
    void normalisationUsesMeanAndStd() {
        ArrayDataset d = new ArrayDataset(new float[] {1, 3, 5, 7}, new int[] {0, 1}, 2);
        float[] ms = d.meanStd();
        assertEquals(4f, ms[0], 1e-6f);
        assertEquals((float) Math.sqrt(5), ms[1], 1e-6f);
        float[] n = d.normalized(ms[0], ms[1]).features();
        assertEquals(-3 / (float) Math.sqrt(5), n[0], 1e-6f);
    }
}
