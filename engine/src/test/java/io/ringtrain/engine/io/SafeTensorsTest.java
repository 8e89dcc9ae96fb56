package io.ringtrain.engine.io;

import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadReturnsTheSameBitsShapesOrderAndMetadata() throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.last_in_name_first_in_file", Tensor.randn(rng, 3, 5));
        tensors.put("scalar", Tensor.of(new float[] {Float.NaN}));                 // 0-dimensional
        tensors.put("empty", Tensor.zeros(0, 4));
        tensors.put("transposed_view", Tensor.randn(rng, 4, 6).transpose(0, 1));  // written row-major
        tensors.put("specials", Tensor.of(new float[] {-0f, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE}, 4));
        Path file = dir.resolve("t.safetensors");

        SafeTensors.write(file, tensors, Map.of("epoch", "3", "rng", "seed=7;draws=120"));
        SafeTensors.Contents back = SafeTensors.read(file);

        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()), "entry order");
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor read = back.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), read.shape(), e.getKey() + " shape");
            float[] expected = e.getValue().toArray(), actual = read.toArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), e.getKey() + "[" + i + "] bits");
            }
            assertEquals("F32", back.dtypes().get(e.getKey()));
        }
        assertEquals(Map.of("epoch", "3", "rng", "seed=7;draws=120"), back.metadata());
        assertTrue(Files.list(dir).allMatch(p -> p.equals(file)), "no temporary file is left behind");
    }

    @Test
    void headerIsPaddedToEightBytesAndDataFollowsIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, Map.of("w", Tensor.of(new float[] {1f, 2f}, 2)), Map.of());
        byte[] bytes = out.toByteArray();
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header length is a multiple of 8 (safetensors alignment)");
        assertEquals(8 + headerLength + 8, bytes.length, "8-byte length + header + two floats");
    }

    @Test
    void aFileWrittenOnThePythonSideLoadsWithItsDtypesConverted() throws IOException {
        // tools/golden/safetensors_io.py: F32, F64, I64, I32 and a 0-d tensor; data stored in reverse order
        SafeTensors.Contents c;
        try (InputStream in = getClass().getResourceAsStream("/golden/safetensors_mixed.safetensors")) {
            c = SafeTensors.read(in, "safetensors_mixed");
        }
        assertEquals(List.of("weight", "running_var", "labels", "counts", "step"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("weight", "F32", "running_var", "F64", "labels", "I64", "counts", "I32", "step", "F32"), c.dtypes());
        float[] weight = new float[12];
        for (int i = 0; i < 12; i++) weight[i] = i / 8f;
        assertArrayEquals(weight, c.tensors().get("weight").toArray());
        assertArrayEquals(new int[] {3, 4}, c.tensors().get("weight").shape());
        assertArrayEquals(new float[] {0.1f, 2.5f, 1e-3f}, c.tensors().get("running_var").toArray());
        assertArrayEquals(new float[] {3, -1, 7, 9}, c.tensors().get("labels").toArray());
        assertArrayEquals(new float[] {5, 6, 7, 8}, c.tensors().get("counts").toArray());
        assertArrayEquals(new int[0], c.tensors().get("step").shape());
        assertEquals(42f, c.tensors().get("step").item());
        assertEquals("mixed dtypes", c.metadata().get("note"));
    }

    @Test
    void goldenFixturesFromTheCommonPythonWriterLoad() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/optim_schedules.safetensors")) {
            SafeTensors.Contents c = SafeTensors.read(in, "optim_schedules");
            assertArrayEquals(new int[] {30}, c.tensors().get("step_lr").shape());
            assertEquals(0.1f, c.tensors().get("step_lr").get(0));
        }
    }

    @Test
    void truncatedOrForeignFilesAreRejectedWithTheReason() {
        IOException shortFile = assertThrows(IOException.class, () -> SafeTensors.read(new ByteArrayInputStream(new byte[3]), "x.bin"));
        assertTrue(shortFile.getMessage().contains("x.bin is not a safetensors file"), shortFile.getMessage());
        byte[] hugeHeader = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, '{', '}'};
        IOException huge = assertThrows(IOException.class, () -> SafeTensors.read(new ByteArrayInputStream(hugeHeader), "y.bin"));
        assertTrue(huge.getMessage().contains("out of range"), huge.getMessage());
    }

    @Test
    void entriesMarkedI64AreWrittenAsEightByteIntegersAndReadBack() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("weight", Tensor.of(new float[] {0.5f, -1.5f}, 2));
        tensors.put("num_batches_tracked", Tensor.of(new float[] {16_777_216f}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        SafeTensors.write(out, tensors, Map.of("num_batches_tracked", "I64"), Map.of());
        byte[] bytes = out.toByteArray();
        SafeTensors.Contents back = SafeTensors.read(new ByteArrayInputStream(bytes), "i64");

        assertEquals(Map.of("weight", "F32", "num_batches_tracked", "I64"), back.dtypes());
        assertEquals(16_777_216f, back.tensors().get("num_batches_tracked").get());
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        long last = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(8 + headerLength + 2 * 4 + 8, bytes.length, "two floats and one int64");
        assertEquals(16_777_216L, last, "the int64 is the last 8 bytes, little-endian");
    }

    @Test
    void aFractionalValueIsNotTruncatedToI64() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(new ByteArrayOutputStream(),
                Map.of("count", Tensor.of(new float[] {2.5f})), Map.of("count", "I64"), Map.of()));
        assertTrue(e.getMessage().contains("tensor 'count' holds 2.5, which is not a whole number"), e.getMessage());
    }

    @Test
    void theInMemoryEncodingIsTheStreamsByteForByteAcrossChunksViewsAndDtypes() throws IOException {
        SplittableRandom rng = new SplittableRandom(5);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("large", Tensor.randn(rng, 70_001));                           // more than one 64 KiB chunk, not a multiple of it
        tensors.put("offset_view", Tensor.randn(rng, 8, 3).narrow(0, 2, 5));          // contiguous, at an offset into a larger storage
        tensors.put("transposed_view", Tensor.randn(rng, 4, 6).transpose(0, 1));     // not contiguous
        tensors.put("num_batches_tracked", Tensor.of(new float[] {123f}));
        Map<String, String> dtypes = Map.of("num_batches_tracked", "I64");
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();

        SafeTensors.write(streamed, tensors, dtypes, Map.of("step", "9"));
        byte[] inMemory = SafeTensors.toBytes(tensors, dtypes, Map.of("step", "9"));

        assertArrayEquals(streamed.toByteArray(), inMemory);
        SafeTensors.Contents back = SafeTensors.read(new ByteArrayInputStream(inMemory), "in memory");
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            assertArrayEquals(e.getValue().toArray(), back.tensors().get(e.getKey()).toArray(), e.getKey());
        }
    }
}
