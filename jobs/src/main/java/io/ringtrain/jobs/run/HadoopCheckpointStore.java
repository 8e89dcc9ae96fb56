package io.ringtrain.jobs.run;

import io.ringtrain.trainer.checkpoint.CheckpointStore;
import io.ringtrain.trainer.checkpoint.FileCheckpointStore;
import io.ringtrain.trainer.checkpoint.TrainingState;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link FileCheckpointStore}'s layout ({@code step-NNNNNNNNN/model.safetensors, optimizer.safetensors})
 * on any Hadoop file system: each checkpoint is written into a hidden folder and renamed into place,
 * then the oldest beyond {@code keepLast} are deleted.
 */
public final class HadoopCheckpointStore implements CheckpointStore {
    private final RunFolder folder;
    private final Configuration conf;
    private final int keepLast;

    public HadoopCheckpointStore(String dir, Configuration conf, int keepLast) {
        this.folder = new RunFolder(dir);
        this.conf = conf;
        this.keepLast = keepLast;
    }

    @Override
    public String location() {
        return folder.root();
    }

    @Override
    public void save(TrainingState state) throws IOException {
        String name = String.format("%s%09d", FileCheckpointStore.PREFIX, state.globalStep());
        String tmp = "." + name + "-" + System.nanoTime();
        FileSystem fs = folder.fs(conf);
        try {
            folder.writeTensors(conf, tmp + "/" + FileCheckpointStore.MODEL_FILE, state.model(), FileCheckpointStore.modelMetadata(state));
            folder.writeTensors(conf, tmp + "/" + FileCheckpointStore.OPTIMIZER_FILE, state.optimizer().tensors(), state.optimizer().hyperParameters());
            Path target = folder.path(name);
            if (fs.exists(target)) fs.delete(target, true);
            if (!fs.rename(folder.path(tmp), target)) throw new IOException("cannot rename checkpoint " + tmp + " to " + target);
        } finally {
            fs.delete(folder.path(tmp), true);
        }
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keepLast; i++) fs.delete(all.get(i), true);
    }

    @Override
    public Optional<TrainingState> latest() throws IOException {
        List<Path> all = checkpoints();
        if (all.isEmpty()) return Optional.empty();
        String name = all.get(all.size() - 1).getName();
        return Optional.of(FileCheckpointStore.fromFiles(folder.readTensors(conf, name + "/" + FileCheckpointStore.MODEL_FILE),
                folder.readTensors(conf, name + "/" + FileCheckpointStore.OPTIMIZER_FILE), folder.path(name).toString()));
    }

    List<Path> checkpoints() throws IOException {
        FileSystem fs = folder.fs(conf);
        Path root = folder.path("");
        if (!fs.exists(root)) return List.of();
        List<Path> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(root)) {
            if (s.isDirectory() && s.getPath().getName().startsWith(FileCheckpointStore.PREFIX)) out.add(s.getPath());
        }
        out.sort(Comparator.comparing(Path::getName));
        return out;
    }
}
