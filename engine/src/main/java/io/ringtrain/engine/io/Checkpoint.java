package io.ringtrain.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.engine.optim.OptimizerState;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Training checkpoints: one folder per saved step inside a checkpoint directory.
 * <pre>
 *   dir/step-000000001200/
 *       model.safetensors       the model's state dict (parameters and buffers, PyTorch names, F32);
 *                               its metadata repeats checkpoint.json's fields, so the file alone says where it came from
 *       optimizer.safetensors   "state.&lt;i&gt;.&lt;name&gt;" tensors; hyper-parameters as string metadata
 *       checkpoint.json         {"format":1, "epoch", "step", "schedule_position", "rng_state", "optimizer", "created", "extra",
 *                                "files": {"model.safetensors": "size:crc32c", ...}}
 * </pre>
 * A folder is written under a hidden temporary name and renamed into place when complete, so a
 * crash leaves either no new checkpoint or a whole one ({@link #latest(Path)} never sees half of
 * one); the sizes and CRC32C checksums in checkpoint.json, renamed into place with the files, let
 * {@link #latestIntact} skip a checkpoint damaged later (a truncated copy, a flipped byte). One writer per directory (rank 0): {@link #save} removes temporary folders left by an
 * earlier crashed save. Loading checks every name, shape and dtype against the model and optimizer
 * before changing either, and names the entry that differs.
 */
public final class Checkpoint {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String META_FILE = "checkpoint.json";
    public static final int FORMAT = 1;
    /** checkpoint.json's map of tensor file name to "size:crc32c" (absent in checkpoints written before it was added). */
    static final String FILES_FIELD = "files";

    private static final Pattern FOLDER = Pattern.compile("step-(\\d+)");
    private static final String TEMP_PREFIX = ".tmp-";
    private static final java.security.SecureRandom TEMP_NAMES = new java.security.SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {}

    /** The folder name for a step: zero-padded so names sort by step. */
    public static String folderName(long step) {
        return String.format("step-%012d", step);
    }

    /**
     * Saves model, optimizer (may be null) and training state as {@code dir/step-<state.step()>},
     * replacing a checkpoint of the same step. Returns the checkpoint folder.
     */
    public static Path save(Path dir, Module model, Optimizer optimizer, TrainingState state) throws IOException {
        Files.createDirectories(dir);
        removeLeftovers(dir);
        String name = folderName(state.step());
        // createDirectory (not createTempDirectory, which is owner-only) keeps the umask's permissions.
        Path temp = Files.createDirectory(dir.resolve(TEMP_PREFIX + name + "-" + Long.toUnsignedString(TEMP_NAMES.nextLong(), 36)));
        try {
            Map<String, String> meta = metadata(state, optimizer);
            SafeTensors.write(temp.resolve(MODEL_FILE), model.stateDict(), model.stateDictDtypes(), meta);
            if (optimizer != null) {
                OptimizerState optimizerState = optimizer.stateDict();
                SafeTensors.write(temp.resolve(OPTIMIZER_FILE), optimizerState.tensors(), optimizerState.hyperParameters());
            }
            writeJson(temp.resolve(META_FILE), meta, state.extra(), checksums(temp));
            Path target = dir.resolve(name);
            AtomicFiles.replaceFolder(temp, target);
            return target;
        } finally {
            AtomicFiles.deleteRecursively(temp);
        }
    }

    /**
     * Loads a checkpoint folder into {@code model} and {@code optimizer} (null: model only) and
     * returns the saved training state. Throws, changing nothing, when a name, shape or dtype differs.
     */
    public static TrainingState load(Path checkpoint, Module model, Optimizer optimizer) throws IOException {
        TrainingState state = readState(checkpoint);
        verify(checkpoint);
        SafeTensors.Contents modelFile = SafeTensors.read(checkpoint.resolve(MODEL_FILE));
        checkMatches(checkpoint.resolve(MODEL_FILE), modelFile, model.stateDict(), model.stateDictDtypes());
        if (optimizer != null) {
            Path optimizerPath = checkpoint.resolve(OPTIMIZER_FILE);
            if (!Files.exists(optimizerPath)) {
                throw new IllegalArgumentException("checkpoint " + checkpoint + " has no " + OPTIMIZER_FILE
                        + " (it was saved without an optimizer); load it with optimizer = null and start the optimizer fresh");
            }
            SafeTensors.Contents optimizerFile = SafeTensors.read(optimizerPath);
            for (Map.Entry<String, String> e : optimizerFile.dtypes().entrySet()) {
                if (!e.getValue().equals("F32")) {
                    throw new IllegalArgumentException(optimizerPath + ": entry '" + e.getKey() + "' has dtype " + e.getValue() + " but optimizer state is F32");
                }
            }
            try {
                optimizer.loadStateDict(new OptimizerState(optimizerFile.tensors(), optimizerFile.metadata()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(optimizerPath + ": " + e.getMessage(), e);
            }
        }
        model.loadStateDict(modelFile.tensors(), true);
        return state;
    }

    /** Loads the newest intact checkpoint in {@code dir}, if there is one; corrupt ones are skipped with a warning on stderr. */
    public static Optional<TrainingState> loadLatest(Path dir, Module model, Optimizer optimizer) throws IOException {
        return loadLatest(dir, model, optimizer, System.err::println);
    }

    /**
     * Loads the newest intact checkpoint in {@code dir}: a newer one that fails its checksums (a
     * truncated or damaged file) is reported to {@code warnings}, by file name, and skipped. Throws
     * {@link CorruptCheckpointException} when every checkpoint is corrupt: resuming from none of
     * them would silently start over.
     */
    public static Optional<TrainingState> loadLatest(Path dir, Module model, Optimizer optimizer, Consumer<String> warnings) throws IOException {
        Optional<Path> intact = latestIntact(dir, warnings);
        return intact.isEmpty() ? Optional.empty() : Optional.of(load(intact.get(), model, optimizer));
    }

    /** The newest checkpoint folder in {@code dir} whose files match their checksums; corrupt newer ones are reported to {@code warnings}. */
    public static Optional<Path> latestIntact(Path dir, Consumer<String> warnings) throws IOException {
        List<Path> all = list(dir);
        CorruptCheckpointException newest = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                verify(all.get(i));
                return Optional.of(all.get(i));
            } catch (CorruptCheckpointException e) {
                if (newest == null) newest = e;
                warnings.accept("WARNING: " + e.getMessage() + "; skipping it for " + (i > 0 ? "the previous checkpoint" : "an older one, but there is none"));
            }
        }
        if (newest != null) {
            throw new CorruptCheckpointException("every checkpoint in " + dir + " is corrupt (newest: " + newest.getMessage()
                    + "); move the folder aside to start over, or resume from a copy of the run folder", newest);
        }
        return Optional.empty();
    }

    /**
     * Checks a checkpoint folder's files against the sizes and CRC32C checksums its checkpoint.json
     * records, naming the first file that differs; a checkpoint written before checksums were
     * recorded passes (its tensors are still checked against the model when loaded).
     */
    public static void verify(Path checkpoint) throws CorruptCheckpointException {
        Path metaPath = checkpoint.resolve(META_FILE);
        JsonNode files;
        try {
            files = JSON.readTree(metaPath.toFile()).path(FILES_FIELD);
        } catch (IOException e) {
            throw new CorruptCheckpointException("checkpoint file " + metaPath + " is unreadable (" + e.getMessage() + ")", e);
        }
        for (var it = files.fields(); it.hasNext(); ) {
            var entry = it.next();
            Path file = checkpoint.resolve(entry.getKey());
            String expected = entry.getValue().asText();
            String actual;
            try {
                actual = checksum(file);
            } catch (IOException e) {
                throw new CorruptCheckpointException("checkpoint file " + file + " is unreadable (" + e + ")", e);
            }
            if (!actual.equals(expected)) {
                throw new CorruptCheckpointException("checkpoint file " + file + " is corrupt or truncated: its size and CRC32C are " + actual
                        + " but " + META_FILE + " records " + expected, null);
            }
        }
    }

    /** Size and CRC32C of each tensor file in a checkpoint folder being written. */
    private static Map<String, String> checksums(Path folder) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : List.of(MODEL_FILE, OPTIMIZER_FILE)) {
            if (Files.exists(folder.resolve(name))) out.put(name, checksum(folder.resolve(name)));
        }
        return out;
    }

    /** "bytes:crc32c-hex" of a file. */
    private static String checksum(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buf = new byte[1 << 16];
        try (var in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; size += n) crc.update(buf, 0, n);
        }
        return size + ":" + String.format("%08x", crc.getValue());
    }

    /** The training state recorded in a checkpoint folder, without loading any tensor. */
    public static TrainingState readState(Path checkpoint) throws IOException {
        Path metaPath = checkpoint.resolve(META_FILE);
        JsonNode meta;
        try {
            meta = JSON.readTree(metaPath.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IOException(checkpoint + " is not a checkpoint folder: it has no " + META_FILE, e);
        }
        int format = meta.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IOException(metaPath + " has checkpoint format " + format + "; this version reads format " + FORMAT);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        meta.path("extra").fields().forEachRemaining(f -> extra.put(f.getKey(), f.getValue().asText()));
        return new TrainingState(meta.path("epoch").asLong(), meta.path("step").asLong(), meta.path("schedule_position").asLong(),
                meta.path("rng_state").asText(""), extra);
    }

    /** Complete checkpoint folders in {@code dir}, oldest (lowest step) first; empty if the directory does not exist. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> FOLDER.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(META_FILE)))
                    .forEach(out::add);
        }
        out.sort(Comparator.comparingLong(Checkpoint::stepOf));
        return out;
    }

    /** The newest complete checkpoint folder (highest step) in {@code dir}. */
    public static Optional<Path> latest(Path dir) throws IOException {
        List<Path> all = list(dir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Deletes all but the newest {@code k} checkpoints in {@code dir}; returns the deleted folders. */
    public static List<Path> keepLast(Path dir, int k) throws IOException {
        if (k < 1) throw new IllegalArgumentException("keepLast needs k >= 1 (keeping no checkpoint would delete the one just written), got " + k);
        List<Path> all = list(dir);
        List<Path> doomed = new ArrayList<>(all.subList(0, Math.max(0, all.size() - k)));
        for (Path p : doomed) AtomicFiles.deleteRecursively(p);
        return doomed;
    }

    private static long stepOf(Path folder) {
        Matcher m = FOLDER.matcher(folder.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException(folder + " is not a checkpoint folder name");
        return Long.parseLong(m.group(1));
    }

    // ---------------------------------------------------------------- checks

    /**
     * Every file entry must exist in the model with the same shape and the model's dtype, and vice
     * versa; an int64 buffer may also be F32, as files written before it was saved as I64 hold it.
     */
    private static void checkMatches(Path file, SafeTensors.Contents contents, Map<String, Tensor> model, Map<String, String> modelDtypes) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.entrySet()) {
            Tensor saved = contents.tensors().get(e.getKey());
            if (saved == null) {
                problems.add("the model has '" + e.getKey() + "' " + Shape.str(e.getValue().shape()) + " but the checkpoint has no such entry");
                continue;
            }
            String dtype = contents.dtypes().getOrDefault(e.getKey(), "F32");
            String expected = modelDtypes.getOrDefault(e.getKey(), "F32");
            if (!dtype.equals(expected) && !(expected.equals("I64") && dtype.equals("F32"))) {
                problems.add("checkpoint entry '" + e.getKey() + "' has dtype " + dtype + " but the model holds "
                        + (expected.equals("I64") ? "I64 (int64)" : "F32 (float32)"));
            }
            if (!Arrays.equals(saved.shape(), e.getValue().shape())) {
                problems.add("checkpoint entry '" + e.getKey() + "' has shape " + Shape.str(saved.shape())
                        + " but the model has " + Shape.str(e.getValue().shape()));
            }
        }
        for (String key : contents.tensors().keySet()) {
            if (!model.containsKey(key)) problems.add("checkpoint entry '" + key + "' has no counterpart in the model");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " does not fit the model (" + problems.size() + " difference"
                    + (problems.size() == 1 ? "" : "s") + "): " + String.join("; ", problems)
                    + ". Build the model with the configuration the checkpoint was saved from, or start fresh.");
        }
    }

    // ---------------------------------------------------------------- writing

    private static Map<String, String> metadata(TrainingState state, Optimizer optimizer) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", Integer.toString(FORMAT));
        meta.put("epoch", Long.toString(state.epoch()));
        meta.put("step", Long.toString(state.step()));
        meta.put("schedule_position", Long.toString(state.schedulePosition()));
        meta.put("rng_state", state.rngState());
        if (optimizer != null) meta.put("optimizer", optimizer.name());
        meta.put("created", Instant.now().toString());
        return meta;
    }

    private static void writeJson(Path file, Map<String, String> meta, Map<String, String> extra, Map<String, String> checksums) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("epoch", Long.parseLong(meta.get("epoch")));
        root.put("step", Long.parseLong(meta.get("step")));
        root.put("schedule_position", Long.parseLong(meta.get("schedule_position")));
        root.put("rng_state", meta.get("rng_state"));
        if (meta.containsKey("optimizer")) root.put("optimizer", meta.get("optimizer"));
        root.put("created", meta.get("created"));
        ObjectNode extraNode = root.putObject("extra");
        extra.forEach(extraNode::put);
        ObjectNode files = root.putObject(FILES_FIELD);
        checksums.forEach(files::put);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            out.write(JSON.writeValueAsBytes(root));
            out.flush();
            channel.force(true);
        }
    }

    /** Temporary and replaced folders left behind by a save that crashed. */
    private static void removeLeftovers(Path dir) throws IOException {
        List<Path> leftovers;
        try (Stream<Path> entries = Files.list(dir)) {
            leftovers = entries.filter(p -> {
                String n = p.getFileName().toString();
                return (n.startsWith(TEMP_PREFIX + "step-") || n.startsWith(AtomicFiles.OLD_PREFIX + "step-")) && Files.isDirectory(p);
            }).toList();
        }
        for (Path p : leftovers) AtomicFiles.deleteRecursively(p);
    }
}
