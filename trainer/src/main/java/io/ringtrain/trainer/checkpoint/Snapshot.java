package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.engine.optim.OptimizerState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One replica's whole training state at one optimizer step, held in memory: the model's parameters
 * and buffers, the optimizer's state and hyper-parameters, and the {@link Cursor} (with the epoch's
 * loss so far). Restoring it continues the run bit for bit, as restoring a durable checkpoint of the
 * same step does. Immutable: its bytes are what a rank that lacks it receives over the ring.
 *
 * <p>The fingerprint covers the parameters and the optimizer state, which data-parallel replicas
 * hold bit for bit alike after every step, and leaves out the buffers (BatchNorm's running
 * statistics differ per replica without SyncBatchNorm). Two replicas' snapshots of one step with
 * different fingerprints mean the replicas diverged.
 */
public final class Snapshot {
    private static final int MAGIC = 0x524e5331; // "RNS1"

    private final Cursor cursor;
    /** SafeTensors encodings of the parameters, the buffers and the optimizer state. */
    private final byte[] parameters, buffers, optimizerState;
    private final long fingerprint;

    private Snapshot(Cursor cursor, byte[] parameters, byte[] buffers, byte[] optimizerState) {
        this.cursor = cursor;
        this.parameters = parameters;
        this.buffers = buffers;
        this.optimizerState = optimizerState;
        this.fingerprint = fingerprint(parameters, optimizerState);
    }

    /**
     * Copies the model's and optimizer's state as they are now; {@code cursor} says where the run
     * continues from. Taken every step by default, so each part is encoded straight into an array of
     * its final size: one copy of the state, no intermediate buffers.
     */
    public static Snapshot capture(Module model, Optimizer optimizer, Cursor cursor) {
        OptimizerState state = optimizer.stateDict();
        return new Snapshot(cursor, SafeTensors.toBytes(model.namedParameters(), Map.of(), Map.of()),
                SafeTensors.toBytes(model.namedBuffers(), model.stateDictDtypes(), Map.of()),
                SafeTensors.toBytes(state.tensors(), Map.of(), state.hyperParameters()));
    }

    /** The snapshot {@link #bytes()} encode (e.g. as received from another rank). */
    public static Snapshot fromBytes(byte[] bytes) {
        try {
            DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes));
            if (data.readInt() != MAGIC) throw new IllegalArgumentException("not an in-memory snapshot (bad magic)");
            long step = data.readLong();
            int epoch = data.readInt(), micro = data.readInt(), n = data.readInt();
            Map<String, String> info = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) info.put(data.readUTF(), data.readUTF());
            return new Snapshot(new Cursor(step, epoch, micro, info), section(data), section(data), section(data));
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated in-memory snapshot: " + e.getMessage(), e);
        }
    }

    /** Loads this state into {@code model} and {@code optimizer}; throws, naming the entry, when they do not fit it. */
    public Cursor restoreInto(Module model, Optimizer optimizer) {
        try {
            Map<String, Tensor> state = new LinkedHashMap<>(SafeTensors.read(new ByteArrayInputStream(parameters), "snapshot parameters").tensors());
            state.putAll(SafeTensors.read(new ByteArrayInputStream(buffers), "snapshot buffers").tensors());
            SafeTensors.Contents optimizerContents = SafeTensors.read(new ByteArrayInputStream(optimizerState), "snapshot optimizer state");
            optimizer.loadStateDict(new OptimizerState(optimizerContents.tensors(), optimizerContents.metadata()));
            model.loadStateDict(state, true);
            return cursor;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the in-memory snapshot of step " + cursor.globalStep(), e);
        }
    }

    public Cursor cursor() {
        return cursor;
    }

    public long step() {
        return cursor.globalStep();
    }

    /** CRC32C of the parameters and optimizer state (see the class comment). */
    public long fingerprint() {
        return fingerprint;
    }

    /**
     * The snapshot encoded for another rank: MAGIC, the cursor, then the three parts, each
     * length-prefixed. Built on each call (only a recovery sends a snapshot).
     */
    public byte[] bytes() {
        try {
            if (sizeBytes() > Integer.MAX_VALUE - 1024) {
                throw new IllegalStateException("the in-memory snapshot of step " + cursor.globalStep() + " is " + sizeBytes()
                        + " bytes, more than one message carries; train this model with --snapshot-every 0 (durable checkpoints only)");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) sizeBytes() + 256);
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(MAGIC);
            data.writeLong(cursor.globalStep());
            data.writeInt(cursor.epoch());
            data.writeInt(cursor.microStep());
            data.writeInt(cursor.info().size());
            for (Map.Entry<String, String> e : cursor.info().entrySet()) {
                data.writeUTF(e.getKey());
                data.writeUTF(e.getValue());
            }
            for (byte[] b : new byte[][] {parameters, buffers, optimizerState}) {
                data.writeInt(b.length);
                data.write(b);
            }
            data.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the in-memory snapshot of step " + cursor.globalStep(), e);
        }
    }

    /** Bytes this snapshot holds in memory. */
    public long sizeBytes() {
        return (long) parameters.length + buffers.length + optimizerState.length;
    }

    private static byte[] section(DataInputStream data) throws IOException {
        byte[] b = new byte[data.readInt()];
        data.readFully(b);
        return b;
    }

    private static long fingerprint(byte[] parameters, byte[] optimizerState) {
        CRC32C crc = new CRC32C();
        crc.update(parameters);
        crc.update(optimizerState);
        return crc.getValue();
    }
}
