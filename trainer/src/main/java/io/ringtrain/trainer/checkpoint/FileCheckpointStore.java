package io.ringtrain.trainer.checkpoint;

import io.ringtrain.engine.Tensor;
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
    private static final String PREFIX = "step-";
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
        Map<String, String> meta = new LinkedHashMap<>(state.info());
        meta.put("global_step", Long.toString(state.globalStep()));
        meta.put("epoch", Integer.toString(state.epoch()));
        meta.put("micro_step", Integer.toString(state.microStep()));
        SafeTensors.write(folder.resolve("model.safetensors"), state.model(), meta);
        SafeTensors.write(folder.resolve("optimizer.safetensors"), state.optimizer().tensors(), state.optimizer().hyperParameters());
    }

    public static TrainingState read(Path folder) throws IOException {
        SafeTensors.Contents model = SafeTensors.read(folder.resolve("model.safetensors"));
        SafeTensors.Contents optim = SafeTensors.read(folder.resolve("optimizer.safetensors"));
        Map<String, String> info = new LinkedHashMap<>(model.metadata());
        long step = Long.parseLong(require(info.remove("global_step"), "global_step", folder));
        int epoch = Integer.parseInt(require(info.remove("epoch"), "epoch", folder));
        int micro = Integer.parseInt(require(info.remove("micro_step"), "micro_step", folder));
        Map<String, Tensor> weights = model.tensors();
        return new TrainingState(step, epoch, micro, weights, new OptimizerState(optim.tensors(), optim.metadata()), info);
    }

    private static String require(String value, String key, Path folder) throws IOException {
        if (value == null) throw new IOException("checkpoint " + folder + " lacks '" + key + "' in model.safetensors metadata");
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
