package io.ringtrain.engine.io;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm1d;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.Sequential;
import io.ringtrain.engine.optim.Adam;
import io.ringtrain.engine.optim.AdamW;
import io.ringtrain.engine.optim.GradClip;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.engine.optim.ParamGroup;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.engine.optim.schedule.CosineAnnealingLR;
import io.ringtrain.engine.optim.schedule.LinearWarmup;
import io.ringtrain.engine.optim.schedule.LrScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    private static final int STEPS = 8;

    @TempDir
    Path dir;

    private static Sequential model(long seed, int hidden) {
        Init.manualSeed(seed);
        return new Sequential(new Linear(4, hidden), new Linear(hidden, 2));
    }

    /** A fixed regression batch: x [16, 4], y [16, 2]. */
    private static final Tensor X, Y;

    static {
        SplittableRandom rng = new SplittableRandom(5);
        X = Tensor.randn(rng, 16, 4);
        Y = Tensor.randn(rng, 16, 2);
    }

    /** One training step: MSE loss, backward, clip to norm 1, optimizer step, schedule step. */
    private static void trainStep(Module model, Optimizer optimizer, LrScheduler scheduler) {
        optimizer.zeroGrad();
        Tensor diff = model.forward(X).sub(Y);
        diff.mul(diff).mean().backward();
        GradClip.clipGradNorm(optimizer.params(), 1.0);
        optimizer.step();
        scheduler.step();
    }

    private static LrScheduler schedule(Optimizer optimizer) {
        return new LrScheduler(optimizer, new LinearWarmup(new CosineAnnealingLR(0.2, STEPS - 2), 2));
    }

    private static void assertBitIdentical(Module expected, Module actual) {
        Map<String, Tensor> e = expected.stateDict(), a = actual.stateDict();
        assertEquals(e.keySet(), a.keySet());
        for (String key : e.keySet()) {
            float[] ev = e.get(key).toArray(), av = a.get(key).toArray();
            for (int i = 0; i < ev.length; i++) {
                assertEquals(Float.floatToRawIntBits(ev[i]), Float.floatToRawIntBits(av[i]), key + "[" + i + "]: resumed run diverged");
            }
        }
    }

    private void resumeIsBitIdentical(Function<Module, Optimizer> makeOptimizer) throws IOException {
        // N steps straight
        Module straight = model(1, 8);
        Optimizer straightOpt = makeOptimizer.apply(straight);
        LrScheduler straightSchedule = schedule(straightOpt);
        for (int s = 0; s < STEPS; s++) trainStep(straight, straightOpt, straightSchedule);

        // N/2 steps, checkpoint, fresh objects (another init), load, N/2 steps
        Module first = model(1, 8);
        Optimizer firstOpt = makeOptimizer.apply(first);
        LrScheduler firstSchedule = schedule(firstOpt);
        for (int s = 0; s < STEPS / 2; s++) trainStep(first, firstOpt, firstSchedule);
        Path saved = Checkpoint.save(dir, first, firstOpt, new TrainingState(0, STEPS / 2, firstSchedule.position(), "seed=1"));

        Module resumed = model(99, 8);
        Optimizer resumedOpt = makeOptimizer.apply(resumed);
        TrainingState state = Checkpoint.load(saved, resumed, resumedOpt);
        LrScheduler resumedSchedule = schedule(resumedOpt);
        resumedSchedule.setPosition(state.schedulePosition());
        for (long s = state.step(); s < STEPS; s++) trainStep(resumed, resumedOpt, resumedSchedule);

        assertBitIdentical(straight, resumed);
    }

    @Test
    void resumingSgdWithMomentumFromACheckpointGivesIdenticalBits() throws IOException {
        resumeIsBitIdentical(m -> new SGD(m.parameters(), 0.1).momentum(0.9).nesterov(true).weightDecay(5e-4));
    }

    @Test
    void resumingAdamWithParamGroupsFromACheckpointGivesIdenticalBits() throws IOException {
        resumeIsBitIdentical(m -> {
            List<Tensor> ps = m.parameters();   // 0.weight, 0.bias, 1.weight, 1.bias
            return new Adam(0.01, ParamGroup.of(List.of(ps.get(0), ps.get(2))).weightDecay(0.01),
                    ParamGroup.of(List.of(ps.get(1), ps.get(3))).lrScale(0.5)).amsgrad(true);
        });
    }

    @Test
    void resumingAdamWFromACheckpointGivesIdenticalBits() throws IOException {
        resumeIsBitIdentical(m -> new AdamW(m.parameters(), 0.01).betas(0.8, 0.95));
    }

    @Test
    void trainingStateAndProvenanceRoundTrip() throws IOException {
        Module m = model(1, 8);
        TrainingState state = new TrainingState(3, 1200, 1150, "philox:seed=7,offset=99", Map.of("git", "abc123", "config", "lr=0.05"));
        Path saved = Checkpoint.save(dir, m, null, state);
        assertEquals("step-000000001200", saved.getFileName().toString());
        assertEquals(state, Checkpoint.readState(saved));
        Map<String, String> modelMeta = SafeTensors.read(saved.resolve(Checkpoint.MODEL_FILE)).metadata();
        assertEquals("1200", modelMeta.get("step"), "the model file alone says which step it holds");
        assertEquals("philox:seed=7,offset=99", modelMeta.get("rng_state"));
    }

    @Test
    void latestIsTheHighestCompleteStepAndKeepLastDeletesTheOldest() throws IOException {
        Module m = model(1, 8);
        for (long step : new long[] {100, 20, 300, 4000}) Checkpoint.save(dir, m, null, new TrainingState(0, step, step, ""));
        Files.createDirectories(dir.resolve("step-000000099999"));   // no checkpoint.json: not a checkpoint
        assertEquals(dir.resolve("step-000000004000"), Checkpoint.latest(dir).orElseThrow());

        List<Path> deleted = Checkpoint.keepLast(dir, 2);

        assertEquals(List.of(dir.resolve("step-000000000020"), dir.resolve("step-000000000100")), deleted);
        assertEquals(List.of(dir.resolve("step-000000000300"), dir.resolve("step-000000004000")), Checkpoint.list(dir));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.keepLast(dir, 0));
    }

    @Test
    void aCrashedSaveLeavesNoVisibleCheckpointAndTheNextSaveCleansUp() throws IOException {
        Module m = model(1, 8);
        Checkpoint.save(dir, m, null, new TrainingState(0, 10, 10, ""));
        // what a save killed half-way leaves: a temporary folder with a partial model file
        Path crashed = Files.createDirectories(dir.resolve(".tmp-step-000000000020-123"));
        Files.write(crashed.resolve(Checkpoint.MODEL_FILE), new byte[] {1, 2, 3});

        assertEquals(dir.resolve("step-000000000010"), Checkpoint.latest(dir).orElseThrow());
        Checkpoint.save(dir, m, null, new TrainingState(0, 30, 30, ""));
        assertFalse(Files.exists(crashed), "leftover temporary folder removed");
        assertEquals(dir.resolve("step-000000000030"), Checkpoint.latest(dir).orElseThrow());
    }

    @Test
    void savingTheSameStepAgainReplacesIt() throws IOException {
        Module m = model(1, 8);
        Checkpoint.save(dir, m, null, new TrainingState(1, 50, 50, "a"));
        Checkpoint.save(dir, m, null, new TrainingState(2, 50, 50, "b"));
        assertEquals(1, Checkpoint.list(dir).size());
        assertEquals("b", Checkpoint.readState(Checkpoint.latest(dir).orElseThrow()).rngState());
        try (var entries = Files.list(dir)) {
            assertEquals(1, entries.count(), "no temporary or replaced folder left");
        }
    }

    @Test
    void loadingIntoAModelOfAnotherShapeNamesTheEntryAndChangesNothing() throws IOException {
        Path saved = Checkpoint.save(dir, model(1, 8), null, new TrainingState(0, 1, 1, ""));
        Module other = model(2, 6);
        float[] before = other.stateDict().get("0.weight").toArray();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(saved, other, null));

        assertTrue(e.getMessage().contains("checkpoint entry '0.weight' has shape [8, 4] but the model has [6, 4]"), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoint entry '1.weight' has shape [2, 8] but the model has [2, 6]"), e.getMessage());
        assertArrayEquals(before, other.stateDict().get("0.weight").toArray(), "a failed load leaves the model as it was");
    }

    @Test
    void missingAndUnexpectedEntriesAreNamed() throws IOException {
        Path saved = Checkpoint.save(dir, model(1, 8), null, new TrainingState(0, 1, 1, ""));
        Init.manualSeed(3);
        Module deeper = new Sequential(new Linear(4, 8), new Linear(8, 2), new Linear(2, 2));
        Module noBias = new Sequential(new Linear(4, 8), new Linear(8, 2, false));

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(saved, deeper, null));
        IllegalArgumentException unexpected = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(saved, noBias, null));

        assertTrue(missing.getMessage().contains("the model has '2.weight' [2, 2] but the checkpoint has no such entry"), missing.getMessage());
        assertTrue(unexpected.getMessage().contains("checkpoint entry '1.bias' has no counterpart in the model"), unexpected.getMessage());
    }

    @Test
    void anEntryOfAnotherDtypeIsNamed() throws IOException {
        Module m = model(1, 8);
        Path saved = Checkpoint.save(dir, m, null, new TrainingState(0, 1, 1, ""));
        // rewrite 1.bias as F64 (as a PyTorch model saved in double would hold it)
        Map<String, Tensor> state = m.stateDict();
        writeWithOneF64Entry(saved.resolve(Checkpoint.MODEL_FILE), state, "1.bias");
        withoutChecksums(saved); // as a checkpoint written by another tool

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(saved, model(1, 8), null));

        assertTrue(e.getMessage().contains("checkpoint entry '1.bias' has dtype F64 but the model holds F32"), e.getMessage());
    }

    @Test
    void batchNormCountsAreSavedAsInt64AndLoadBack() throws IOException {
        Init.manualSeed(3);
        Sequential m = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
        m.train();
        m.forward(X);
        m.forward(X);
        Path saved = Checkpoint.save(dir, m, null, new TrainingState(0, 2, 2, ""));

        SafeTensors.Contents file = SafeTensors.read(saved.resolve(Checkpoint.MODEL_FILE));
        Init.manualSeed(4);
        Sequential fresh = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
        Checkpoint.load(saved, fresh, null);

        assertEquals("I64", file.dtypes().get("1.num_batches_tracked"), "PyTorch's dtype for the count");
        assertEquals("F32", file.dtypes().get("1.running_mean"));
        assertEquals(2f, fresh.stateDict().get("1.num_batches_tracked").get());
        assertBitIdentical(m, fresh);
    }

    @Test
    void aCheckpointWithTheOldFloat32CountStillLoads() throws IOException {
        Init.manualSeed(3);
        Sequential m = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
        m.train();
        m.forward(X);
        Path saved = Checkpoint.save(dir, m, null, new TrainingState(0, 1, 1, ""));
        // as files were written before num_batches_tracked was saved as int64: every entry F32
        SafeTensors.write(saved.resolve(Checkpoint.MODEL_FILE), m.stateDict(), Map.of());
        withoutChecksums(saved); // nor were checksums recorded then
        assertEquals("F32", SafeTensors.read(saved.resolve(Checkpoint.MODEL_FILE)).dtypes().get("1.num_batches_tracked"));

        Init.manualSeed(4);
        Sequential fresh = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
        Checkpoint.load(saved, fresh, null);

        assertEquals(1f, fresh.stateDict().get("1.num_batches_tracked").get());
        assertBitIdentical(m, fresh);
    }

    @Test
    void optimizerStateOfAnotherKindOrShapeIsRejectedBeforeAnythingChanges() throws IOException {
        Module m = model(1, 8);
        Adam adam = new Adam(m.parameters(), 0.01);
        trainStep(m, adam, schedule(adam));
        Path saved = Checkpoint.save(dir, m, adam, new TrainingState(0, 1, 1, ""));

        Module target = model(7, 8);
        float[] before = target.stateDict().get("0.weight").toArray();
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(saved, target, new SGD(target.parameters(), 0.1).momentum(0.9)));
        assertTrue(kind.getMessage().contains("optimizer state was saved by Adam but this optimizer is SGD"), kind.getMessage());
        assertArrayEquals(before, target.stateDict().get("0.weight").toArray(), "the model is untouched when the optimizer does not fit");

        Module reordered = model(7, 8);
        List<Tensor> ps = reordered.parameters();
        Adam swapped = new Adam(List.of(ps.get(1), ps.get(0), ps.get(2), ps.get(3)), 0.01);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(saved, reordered, swapped));
        assertTrue(shape.getMessage().contains("'state.0.exp_avg' has shape [8, 4] but parameter 0 has [8]"), shape.getMessage());
    }

    @Test
    void aModelOnlyCheckpointCannotRestoreAnOptimizer() throws IOException {
        Module m = model(1, 8);
        Path saved = Checkpoint.save(dir, m, null, new TrainingState(0, 1, 1, ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(saved, model(1, 8), new SGD(m.parameters(), 0.1)));
        assertTrue(e.getMessage().contains("has no optimizer.safetensors"), e.getMessage());
        assertTrue(Checkpoint.latest(dir.resolve("absent")).isEmpty());
        IOException notACheckpoint = assertThrows(IOException.class, () -> Checkpoint.load(dir, m, null));
        assertTrue(notACheckpoint.getMessage().contains("is not a checkpoint folder"), notACheckpoint.getMessage());
    }

    /** checkpoint.json without the files' checksums, as checkpoints written before they were recorded. */
    private static void withoutChecksums(Path checkpoint) throws IOException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var meta = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(checkpoint.resolve(Checkpoint.META_FILE).toFile());
        meta.remove(Checkpoint.FILES_FIELD);
        Files.write(checkpoint.resolve(Checkpoint.META_FILE), json.writeValueAsBytes(meta));
    }

    @Test
    void aCheckpointWhoseFileDiffersFromItsChecksumIsRefusedNamingTheFile() throws IOException {
        Module m = model(1, 8);
        Path saved = Checkpoint.save(dir, m, null, new TrainingState(0, 1, 1, ""));
        Path model = saved.resolve(Checkpoint.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 1;
        Files.write(model, bytes);

        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> Checkpoint.load(saved, model(1, 8), null));
        assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
    }

    /** A safetensors file like SafeTensors.write's, but with {@code f64Key} stored as F64. */
    private static void writeWithOneF64Entry(Path file, Map<String, Tensor> tensors, String f64Key) throws IOException {
        StringBuilder header = new StringBuilder("{");
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            float[] v = e.getValue().toArray();
            boolean f64 = e.getKey().equals(f64Key);
            ByteBuffer buf = ByteBuffer.allocate(v.length * (f64 ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) {
                if (f64) buf.putDouble(x); else buf.putFloat(x);
            }
            int begin = data.size();
            data.write(buf.array());
            if (header.length() > 1) header.append(',');
            header.append('"').append(e.getKey()).append("\":{\"dtype\":\"").append(f64 ? "F64" : "F32")
                    .append("\",\"shape\":").append(java.util.Arrays.toString(e.getValue().shape()))
                    .append(",\"data_offsets\":[").append(begin).append(',').append(data.size()).append("]}");
        }
        byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            out.write(data.toByteArray());
        }
    }
}
