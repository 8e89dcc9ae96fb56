package io.ringtrain.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.engine.Tensor;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors file format (huggingface/safetensors), so PyTorch users can open our weights:
 * an 8-byte little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}}
 * padded with spaces to a multiple of 8, then the raw little-endian data. We write F32, or I64 for
 * the entries a dtype map names (PyTorch's int64 buffers such as {@code num_batches_tracked}); we
 * read F32, F64, I64 and I32 (converted to float, for fixtures, labels and those buffers).
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /**
     * Tensors in file order (converted to float32), the free-form string metadata, and each
     * tensor's dtype as stored in the file ("F32", "F64", "I32", "I64"), so a reader can insist on F32.
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, String> dtypes) {
        public Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
            this(tensors, metadata, Map.of());
        }
    }

    /** Writes every tensor as F32. */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(out, tensors, Map.of(), metadata);
    }

    /**
     * Writes each tensor with the dtype {@code dtypes} gives it ("F32" or "I64"; absent: F32).
     * An I64 tensor must hold whole numbers; anything else throws rather than being truncated.
     * The data goes out through one 64 KiB buffer, so a large model's file needs no copy of it in memory.
     */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> dtypes, Map<String, String> metadata) throws IOException {
        out.write(prefix(tensors, dtypes, metadata));
        ByteBuffer chunk = ByteBuffer.allocate(STREAM_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Values values = new Values(e.getKey(), e.getValue(), isI64(dtypes, e.getKey()));
            int perChunk = STREAM_CHUNK / values.width();
            for (int from = 0; from < values.count(); from += perChunk) {
                chunk.clear();
                values.put(chunk, from, Math.min(values.count(), from + perChunk));
                out.write(chunk.array(), 0, chunk.position());
            }
        }
        out.flush();
    }

    /**
     * The bytes {@link #write(OutputStream, Map, Map, Map)} writes, encoded straight into one array of
     * the exact size: a single copy of the data, for in-memory copies of a model taken every step.
     */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> dtypes, Map<String, String> metadata) {
        byte[] prefix = prefix(tensors, dtypes, metadata);
        long size = prefix.length;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) size += dataBytes(dtypes, e.getKey(), e.getValue());
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensors of " + size + " bytes do not fit one Java array; write them to a file");
        ByteBuffer dst = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        dst.put(prefix);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Values values = new Values(e.getKey(), e.getValue(), isI64(dtypes, e.getKey()));
            values.put(dst, 0, values.count());
        }
        return dst.array();
    }

    private static final int STREAM_CHUNK = 1 << 16;

    private static boolean isI64(Map<String, String> dtypes, String name) {
        return dtypes.getOrDefault(name, "F32").equals("I64");
    }

    /** Bytes of one tensor's data in the file: 8 per element as I64, 4 as F32. */
    private static long dataBytes(Map<String, String> dtypes, String name, Tensor t) {
        return (isI64(dtypes, name) ? 8L : 4L) * t.numel();
    }

    /** The 8-byte header length and the JSON header padded with spaces to a multiple of 8; checks the dtypes. */
    private static byte[] prefix(Map<String, Tensor> tensors, Map<String, String> dtypes, Map<String, String> metadata) {
        for (Map.Entry<String, String> e : dtypes.entrySet()) {
            if (!e.getValue().equals("F32") && !e.getValue().equals("I64")) {
                throw new IllegalArgumentException("cannot write tensor '" + e.getKey() + "' as " + e.getValue() + "; the writer supports F32 and I64");
            }
        }
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long position = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            boolean i64 = isI64(dtypes, e.getKey());
            entry.put("dtype", i64 ? "I64" : "F32");
            var shape = entry.putArray("shape");
            for (int d : e.getValue().shape()) shape.add(d);
            long bytes = dataBytes(dtypes, e.getKey(), e.getValue());
            entry.putArray("data_offsets").add(position).add(position + bytes);
            position += bytes;
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerBytes);
        while (prefix.hasRemaining()) prefix.put((byte) ' ');
        return prefix.array();
    }

    /** One tensor's elements in row-major order, read from its storage in place when it is contiguous. */
    private record Values(String name, float[] array, int offset, int count, boolean i64) {
        Values(String name, Tensor t, boolean i64) {
            this(name, t.isContiguous() ? t.storage() : t.toArray(), t.isContiguous() ? t.storageOffset() : 0, t.numel(), i64);
        }

        int width() {
            return i64 ? 8 : 4;
        }

        /** Puts elements [from, to) into {@code dst} (little-endian), which has room for them. */
        void put(ByteBuffer dst, int from, int to) {
            if (!i64) {
                dst.asFloatBuffer().put(array, offset + from, to - from);
                dst.position(dst.position() + 4 * (to - from));
                return;
            }
            for (int i = from; i < to; i++) {
                float v = array[offset + i];
                if (v != Math.rint(v) || Math.abs(v) > 0x1p63f) {
                    throw new IllegalArgumentException("tensor '" + name + "' holds " + v + ", which is not a whole number, so it cannot be written as I64");
                }
                dst.putLong((long) v);
            }
        }
    }

    /**
     * Writes atomically through {@link AtomicFiles#write}, so a crash leaves either the old file or
     * the new one, never half of one.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, Map.of(), metadata);
    }

    /** {@link #write(Path, Map, Map)} with each tensor's dtype as in {@link #write(OutputStream, Map, Map, Map)}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> dtypes, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(file, out -> write(new java.io.BufferedOutputStream(out, 1 << 16), tensors, dtypes, metadata));
    }

    public static Contents read(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Reads a whole safetensors stream; {@code source} names it in error messages. */
    public static Contents read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] lengthBytes = new byte[8];
        try {
            data.readFully(lengthBytes);
        } catch (java.io.EOFException e) {
            throw new IOException(source + " is not a safetensors file: shorter than its 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER) {
            throw new IOException(source + " is not a safetensors file: header length " + headerLength + " is out of range");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        data.readFully(headerBytes);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new IOException(source + ": the safetensors header is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        record Entry(String name, String dtype, int[] shape, long begin, long end) {}
        java.util.List<Entry> entries = new java.util.ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode node = f.getValue();
            JsonNode shapeNode = node.get("shape");
            int[] shape = new int[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asInt();
            entries.add(new Entry(f.getKey(), node.get("dtype").asText(), shape,
                    node.get("data_offsets").get(0).asLong(), node.get("data_offsets").get(1).asLong()));
        }
        entries.sort(java.util.Comparator.comparingLong(Entry::begin));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long position = 0;
        for (Entry e : entries) {
            if (e.begin < position) throw new IOException(source + ": tensor '" + e.name + "' overlaps the previous one");
            data.skipNBytes(e.begin - position);
            long bytes = e.end - e.begin;
            int width = switch (e.dtype) {
                case "F32", "I32" -> 4;
                case "F64", "I64" -> 8;
                default -> throw new IOException(source + ": tensor '" + e.name + "' has dtype " + e.dtype + "; supported: F32, F64, I32, I64");
            };
            int n = io.ringtrain.engine.Shape.numel(e.shape);
            if (bytes != (long) n * width) {
                throw new IOException(source + ": tensor '" + e.name + "' claims " + bytes + " bytes for shape "
                        + java.util.Arrays.toString(e.shape) + " of " + e.dtype);
            }
            byte[] raw = new byte[(int) bytes];
            data.readFully(raw);
            ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[n];
            if (e.dtype.equals("F32")) {
                buf.asFloatBuffer().get(values); // in bulk: a model's weights are F32
            } else {
                for (int i = 0; i < n; i++) {
                    values[i] = switch (e.dtype) {
                        case "F64" -> (float) buf.getDouble();
                        case "I32" -> buf.getInt();
                        default -> buf.getLong();
                    };
                }
            }
            position = e.end;
            tensors.put(e.name, Tensor.of(values, e.shape));
        }
        // Keep the header's order (the writer's order) rather than offset order.
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (tensors.containsKey(name)) ordered.put(name, tensors.get(name));
        }
        Map<String, String> dtypeOf = new java.util.HashMap<>();
        for (Entry e : entries) dtypeOf.put(e.name, e.dtype);
        Map<String, String> dtypes = new LinkedHashMap<>();
        for (String name : ordered.keySet()) dtypes.put(name, dtypeOf.get(name));
        return new Contents(ordered, metadata, dtypes);
    }
}
