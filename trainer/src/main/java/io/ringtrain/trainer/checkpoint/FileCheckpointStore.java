package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.optim.OptimizerState;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints in a local folder, one sub-folder per checkpoint:
 * <pre>
 * step-000001200/
 *   model.safetensors       weights and buffers (PyTorch state-dict names); metadata: cursor + info
 *   optimizer.safetensors   optimizer state; metadata: its hyper-parameters
 * </pre>
 * A checkpoint is written into a hidden temporary folder and renamed into place, so a crash leaves
 * either no new checkpoint or a complete one; the oldest beyond {@code keepLast} are deleted after.
 */
public final class FileCheckpointStore implements CheckpointStore {
    public static final String PREFIX = "step-";
    private final Path dir;
    private final int keepLast;

    public FileCheckpointStore(Path dir, int keepLast) {
        if (keepLast < 1) throw new IllegalArgumentException("keepLast must be ≥ 1, got " + keepLast);
        this.dir = dir;
        this.keepLast = keepLast;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public void save(TrainingState state) throws IOException {
        Files.createDirectories(dir);
        String name = String.format("%s%09d", PREFIX, state.globalStep());
        Path tmp = Files.createTempDirectory(dir, "." + name + "-");
        try {
            write(tmp, state);
            Path target = dir.resolve(name);
            if (Files.exists(target)) deleteTree(target); // the same step again (a rerun): replace
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keepLast; i++) deleteTree(all.get(i));
    }

    /** Writes the two files of a checkpoint into {@code folder}. */
    public static void write(Path folder, TrainingState state) throws IOException {
        SafeTensors.write(folder.resolve(MODEL_FILE), state.model(), modelMetadata(state));
        SafeTensors.write(folder.resolve(OPTIMIZER_FILE), state.optimizer().tensors(), state.optimizer().hyperParameters());
    }

    public static TrainingState read(Path folder) throws IOException {
        return fromFiles(SafeTensors.read(folder.resolve(MODEL_FILE)), SafeTensors.read(folder.resolve(OPTIMIZER_FILE)), folder.toString());
    }

    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";

    /** The model file's metadata: the state's info plus the cursor. */
    public static Map<String, String> modelMetadata(TrainingState state) {
        Map<String, String> meta = new LinkedHashMap<>(state.info());
        meta.put("global_step", Long.toString(state.globalStep()));
        meta.put("epoch", Integer.toString(state.epoch()));
        meta.put("micro_step", Integer.toString(state.microStep()));
        return meta;
    }

    /** Rebuilds a state from the two files' contents; {@code source} names the checkpoint in errors. */
    public static TrainingState fromFiles(SafeTensors.Contents model, SafeTensors.Contents optim, String source) throws IOException {
        Map<String, String> info = new LinkedHashMap<>(model.metadata());
        long step = Long.parseLong(require(info.remove("global_step"), "global_step", source));
        int epoch = Integer.parseInt(require(info.remove("epoch"), "epoch", source));
        int micro = Integer.parseInt(require(info.remove("micro_step"), "micro_step", source));
        return new TrainingState(step, epoch, micro, model.tensors(), new OptimizerState(optim.tensors(), optim.metadata()), info);
    }

    private static String require(String value, String key, String source) throws IOException {
        if (value == null) throw new IOException("checkpoint " + source + " lacks '" + key + "' in model.safetensors metadata");
        return value;
    }

    @Override
    public Optional<TrainingState> latest() throws IOException {
        List<Path> all = checkpoints();
        return all.isEmpty() ? Optional.empty() : Optional.of(read(all.get(all.size() - 1)));
    }

    /** Complete checkpoint folders, oldest first. */
    public List<Path> checkpoints() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p)).toList());
            out.sort(Comparator.comparing(p -> p.getFileName().toString()));
            return out;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
