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
    /** MAGIC, the cursor, then three length-prefixed SafeTensors blobs: parameters, buffers, optimizer. */
    private final byte[] bytes;
    private final long fingerprint;

    private Snapshot(Cursor cursor, byte[] bytes, long fingerprint) {
        this.cursor = cursor;
        this.bytes = bytes;
        this.fingerprint = fingerprint;
    }

    /** Copies the model's and optimizer's state as they are now; {@code cursor} says where the run continues from. */
    public static Snapshot capture(Module model, Optimizer optimizer, Cursor cursor) {
        try {
            Map<String, String> dtypes = model.stateDictDtypes();
            byte[] parameters = blob(model.namedParameters(), Map.of(), Map.of());
            byte[] buffers = blob(model.namedBuffers(), dtypes, Map.of());
            OptimizerState state = optimizer.stateDict();
            byte[] optimizerBlob = blob(state.tensors(), Map.of(), state.hyperParameters());
            ByteArrayOutputStream out = new ByteArrayOutputStream(parameters.length + buffers.length + optimizerBlob.length + 256);
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
            for (byte[] b : new byte[][] {parameters, buffers, optimizerBlob}) {
                data.writeInt(b.length);
                data.write(b);
            }
            data.flush();
            return new Snapshot(cursor, out.toByteArray(), fingerprint(parameters, optimizerBlob));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the training state at step " + cursor.globalStep() + " into memory", e);
        }
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
            byte[] parameters = section(data);
            section(data); // the buffers: not fingerprinted
            byte[] optimizerBlob = section(data);
            return new Snapshot(new Cursor(step, epoch, micro, info), bytes, fingerprint(parameters, optimizerBlob));
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated in-memory snapshot: " + e.getMessage(), e);
        }
    }

    /** Loads this state into {@code model} and {@code optimizer}; throws, naming the entry, when they do not fit it. */
    public Cursor restoreInto(Module model, Optimizer optimizer) {
        try {
            DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes));
            data.readInt();
            data.readLong();
            data.readInt();
            data.readInt();
            int n = data.readInt();
            for (int i = 0; i < 2 * n; i++) data.readUTF();
            SafeTensors.Contents parameters = SafeTensors.read(new ByteArrayInputStream(section(data)), "snapshot parameters");
            SafeTensors.Contents buffers = SafeTensors.read(new ByteArrayInputStream(section(data)), "snapshot buffers");
            SafeTensors.Contents optimizerState = SafeTensors.read(new ByteArrayInputStream(section(data)), "snapshot optimizer state");
            Map<String, Tensor> state = new LinkedHashMap<>(parameters.tensors());
            state.putAll(buffers.tensors());
            optimizer.loadStateDict(new OptimizerState(optimizerState.tensors(), optimizerState.metadata()));
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

    /** The encoded snapshot; not to be modified. */
    public byte[] bytes() {
        return bytes;
    }

    /** Bytes this snapshot holds in memory. */
    public long sizeBytes() {
        return bytes.length;
    }

    private static byte[] blob(Map<String, Tensor> tensors, Map<String, String> dtypes, Map<String, String> metadata) throws IOException {
        Map<String, String> own = new LinkedHashMap<>();
        for (String name : tensors.keySet()) own.put(name, dtypes.getOrDefault(name, "F32"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, tensors, own, metadata);
        return out.toByteArray();
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
