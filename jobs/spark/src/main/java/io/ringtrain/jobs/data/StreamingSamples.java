package io.ringtrain.jobs.data;

import io.ringtrain.jobs.augment.Augmentation;
import io.ringtrain.trainer.data.GlobalBatchPlan;
import io.ringtrain.trainer.data.Samples;
import io.ringtrain.trainer.data.ShuffleBuffer;
import io.ringtrain.trainer.data.StreamPlan;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A replica's shard read as a stream, for shards larger than memory ({@code sharding = streaming}).
 * Every epoch the shard is read from the start through a {@link ShuffleBuffer} seeded by (seed,
 * epoch, rank); position p of the epoch is the p-th record that comes out. Used with a
 * {@link StreamPlan}: the trainer asks for positions in increasing order, one batch at a time, so
 * only the buffer and the current batch are held ({@link #recordsHeld} ≤ shuffleBuffer + batch).
 * Each sample is decoded, augmented and normalised when its batch is built, as in {@link RecordSamples}.
 *
 * <p>Resuming mid-epoch (the trainer's cursor) asks first for position s·b: the stream is replayed
 * from the start and the records before it are dropped undecoded, so the epoch continues with
 * exactly the records an uninterrupted run would have used.
 */
public final class StreamingSamples implements Samples {
    /** A shard that can be read again from its start; each {@link #open} is a fresh pass in the stored order. */
    public interface Source extends Serializable {
        RecordStream open();
    }

    /** One pass over a shard. */
    public interface RecordStream extends Iterator<ImageRecord>, AutoCloseable {
        @Override
        void close();
    }

    private final Source source;
    private final int size;
    private final int[] shape;
    private final float[] mean;
    private final float[] std;
    private final Augmentation augmentation;
    private final int shuffleBuffer;
    private final long seed;
    private final int rank;
    private final int window;

    private int openEpoch = -1;
    private RecordStream stream;
    private ShuffleBuffer<ImageRecord> shuffled;
    private final ArrayDeque<ImageRecord> batch = new ArrayDeque<>();
    private int batchStart; // the epoch position of batch.peekFirst()

    /**
     * @param size the shard's record count (every pass must yield exactly this many)
     * @param window the most positions the trainer asks for at once: the per-rank batch size
     */
    public StreamingSamples(Source source, int size, int[] shape, float[] mean, float[] std, Augmentation augmentation, int shuffleBuffer,
                            long seed, int rank, int window) {
        if (shape.length != 3) throw new IllegalArgumentException("sample shape must be [channels, height, width], got " + Arrays.toString(shape));
        this.source = source;
        this.size = size;
        this.shape = shape.clone();
        this.mean = mean.clone();
        this.std = std.clone();
        this.augmentation = augmentation;
        this.shuffleBuffer = shuffleBuffer;
        this.seed = seed;
        this.rank = rank;
        this.window = window;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public void copySample(int position, int epoch, float[] dst, int offset) {
        ImageRecord r = record(position, epoch);
        RecordSamples.normalizeInto(RecordSamples.prepare(r, shape, augmentation, epoch).image(), shape, mean, std, dst, offset);
    }

    /** The label of a position of the current epoch (asked right after {@link #copySample}, so it is in the batch held). */
    @Override
    public float target(int position) {
        return record(position, openEpoch).label();
    }

    /** Records this object holds now: the shuffle buffer's and the current batch's. */
    public int recordsHeld() {
        return (shuffled == null ? 0 : shuffled.held()) + batch.size();
    }

    /** The record at {@code position} of {@code epoch}'s stream; positions must not go back by more than the window. */
    public ImageRecord record(int position, int epoch) {
        if (position < 0 || position >= size) throw new IllegalArgumentException("position " + position + " outside the shard's [0, " + size + ")");
        if (epoch != openEpoch || position < batchStart) reopen(epoch);
        while (batchStart + batch.size() <= position) {
            if (!shuffled.hasNext()) {
                throw new IllegalStateException("the shard ended after " + (batchStart + batch.size()) + " records in epoch " + epoch
                        + ", but it should hold " + size + "; the shard files changed since they were written: delete the run folder's shards/ to rewrite them");
            }
            batch.addLast(shuffled.next());
            if (batch.size() > window) {
                batch.removeFirst();
                batchStart++;
            }
        }
        return batch.stream().skip(position - batchStart).findFirst().orElseThrow();
    }

    private void reopen(int epoch) {
        close();
        stream = source.open();
        shuffled = new ShuffleBuffer<>(stream, shuffleBuffer, GlobalBatchPlan.mix(GlobalBatchPlan.mix(seed, epoch), rank));
        openEpoch = epoch;
        batch.clear();
        batchStart = 0;
    }

    /** Closes the current pass (the trainer's last epoch leaves one open). */
    public void close() {
        if (stream != null) stream.close();
        stream = null;
        shuffled = null;
    }
}
