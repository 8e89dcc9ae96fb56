package io.ringtrain.jobs.data;

import io.ringtrain.trainer.data.Batch;
import io.ringtrain.trainer.data.StreamPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streaming a shard much larger than the shuffle buffer, batch by batch as the trainer does
 * ({@link StreamPlan} positions, {@link Batch#gather}): few records held at once, every record
 * once per epoch, a different order each epoch, and a resumed epoch continues where it stopped.
 */
class StreamingSamplesTest {
    private static final int SHARD = 5_000, BUFFER = 64, BATCH = 24;
    private static final int[] SHAPE = {1, 2, 2};

    /** A shard of SHARD raw 2×2 images whose four pixels spell the record id; counts the records it has created. */
    static final class CountingShard implements StreamingSamples.Source {
        int created;

        @Override
        public StreamingSamples.RecordStream open() {
            return new StreamingSamples.RecordStream() {
                int next;

                @Override
                public boolean hasNext() {
                    return next < SHARD;
                }

                @Override
                public ImageRecord next() {
                    int id = next++;
                    created++;
                    byte[] pixels = {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
                    return new ImageRecord(id, id % 10, 2, 2, 1, false, pixels, null);
                }

                @Override
                public void close() {}
            };
        }
    }

    private static StreamingSamples samples(CountingShard shard) {
        return new StreamingSamples(shard, SHARD, SHAPE, new float[] {0}, new float[] {1 / 255f}, null, BUFFER, 42, 1, BATCH);
    }

    /** The ids of one epoch's batches from {@code firstStep} on, gathered as the trainer gathers them; checks the memory bound after each batch. */
    private static List<Integer> epoch(StreamingSamples samples, CountingShard shard, int epoch, int firstStep, int[] gatheredBefore) {
        StreamPlan plan = new StreamPlan(SHARD, BATCH);
        List<Integer> ids = new ArrayList<>();
        int createdAtStart = shard.created;
        for (int step = firstStep; step < plan.stepsPerEpoch(); step++) {
            int[] positions = plan.indices(plan.order(epoch), step, 1);
            Batch batch = Batch.gather(samples, positions, epoch);
            float[] x = batch.inputs().toArray();
            for (int i = 0; i < batch.size(); i++) {
                int id = 0;
                for (int k = 0; k < 4; k++) id = (id << 8) | Math.round(x[4 * i + k]); // mean 0, std 1/255: the byte values
                ids.add(id);
                assertEquals(id % 10, (int) batch.targets().toArray()[i], "the label travels with its record");
            }
            int gathered = gatheredBefore[0] + firstStep * BATCH + ids.size();
            // Records read from the shard but not yet trained on sit in the shuffle buffer: at most BUFFER of them.
            assertTrue(shard.created - createdAtStart - (gathered - gatheredBefore[0]) <= BUFFER,
                    "read ahead " + (shard.created - createdAtStart - (gathered - gatheredBefore[0])) + " records at step " + step);
            assertTrue(samples.recordsHeld() <= BUFFER + BATCH, "held " + samples.recordsHeld());
        }
        gatheredBefore[0] += SHARD;
        return ids;
    }

    @Test
    void holdsAtMostTheBufferAndOneBatchAndSeesEveryRecordOncePerEpochInANewOrder() {
        CountingShard shard = new CountingShard();
        StreamingSamples samples = samples(shard);
        int[] gathered = {0};
        List<List<Integer>> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            int before = shard.created;
            epochs.add(epoch(samples, shard, e, 0, gathered));
            assertEquals(SHARD, shard.created - before, "one pass over the shard per epoch");
            gathered[0] = 0;
        }
        int[] expected = new int[SHARD];
        Arrays.setAll(expected, i -> i);
        for (List<Integer> ids : epochs) {
            int[] sorted = ids.stream().mapToInt(Integer::intValue).sorted().toArray();
            assertArrayEquals(expected, sorted, "every record exactly once");
        }
        assertFalse(epochs.get(0).equals(epochs.get(1)) || epochs.get(1).equals(epochs.get(2)), "each epoch has its own order");
        assertFalse(epochs.get(0).subList(0, 100).equals(expected(100)), "shuffled, not the stored order");
    }

    @Test
    void aResumedEpochContinuesWithTheRecordsAnUninterruptedRunWouldUse() {
        CountingShard uninterrupted = new CountingShard();
        List<Integer> full = epoch(samples(uninterrupted), uninterrupted, 2, 0, new int[1]);
        int resumeStep = 77;
        CountingShard shard = new CountingShard();
        List<Integer> resumed = epoch(samples(shard), shard, 2, resumeStep, new int[1]);
        assertEquals(full.subList(resumeStep * BATCH, SHARD), resumed);
    }

    private static List<Integer> expected(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(i);
        return out;
    }
}
