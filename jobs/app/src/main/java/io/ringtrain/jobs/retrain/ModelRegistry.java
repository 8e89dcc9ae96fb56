package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.run.AtomicWrites;
import io.ringtrain.jobs.run.RunFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A model registry on any Hadoop file system:
 * <pre>
 * registry/champion            one line: the serving version's name ("v0002"); replaced atomically
 * registry/models/v0001/       model.safetensors, config.json, metrics.json, data.json, version.json,
 *                              model-card.md, model-card.html (written under a hidden name, then renamed)
 * registry/runs/RUN_KEY/       the training run folder (checkpoints, metrics) and decision.json,
 *                              written last: a run with decision.json is complete
 * </pre>
 * One retraining run at a time per registry (a scheduler's job concurrency of 1). A version folder
 * appears whole or not at all; the champion pointer names a version folder that exists; a crash
 * leaves at most hidden temporary files, which the next run removes.
 */
public final class ModelRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("v(\\d{4,})");

    private final String root;
    private final Configuration conf;
    private final FileSystem fs;

    public ModelRegistry(String root, Configuration conf) {
        this.root = root;
        this.conf = conf;
        try {
            this.fs = new Path(root).getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of registry " + root, e);
        }
    }

    public String root() {
        return root;
    }

    public Path versionPath(String version) {
        return new Path(new Path(root, "models"), version);
    }

    public RunFolder runFolder(String runKey) {
        return new RunFolder(new Path(new Path(root, "runs"), runKey).toString());
    }

    /** The serving version, if any promotion has completed. */
    public Optional<String> champion() {
        Path pointer = new Path(root, "champion");
        try {
            if (!fs.exists(pointer)) return Optional.empty();
            String version;
            try (var in = fs.open(pointer)) {
                version = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!VERSION.matcher(version).matches() || !fs.exists(new Path(versionPath(version), "model.safetensors"))) {
                throw new IllegalStateException("registry " + root + ": the champion pointer names '" + version
                        + "', which is not a complete version folder; point " + pointer + " at one of " + versions());
            }
            return Optional.of(version);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the champion pointer of registry " + root, e);
        }
    }

    /** Version names present, oldest first (hidden temporary folders excluded). */
    public List<String> versions() {
        Path models = new Path(root, "models");
        try {
            if (!fs.exists(models)) return List.of();
            TreeMap<Integer, String> byNumber = new TreeMap<>();
            for (FileStatus s : fs.listStatus(models)) {
                var m = VERSION.matcher(s.getPath().getName());
                if (s.isDirectory() && m.matches()) byNumber.put(Integer.parseInt(m.group(1)), s.getPath().getName());
            }
            return new ArrayList<>(byNumber.values());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the versions of registry " + root, e);
        }
    }

    public String nextVersion() {
        List<String> all = versions();
        int last = all.isEmpty() ? 0 : Integer.parseInt(all.get(all.size() - 1).substring(1));
        return String.format("v%04d", last + 1);
    }

    public JsonNode readJson(Path file) {
        try (var in = fs.open(file)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The version a run produced, if an interrupted run got as far as registering it. */
    public Optional<String> versionOfRun(String runKey) {
        for (String v : versions()) {
            Path info = new Path(versionPath(v), "version.json");
            try {
                if (fs.exists(info) && runKey.equals(readJson(info).path("run_key").asText())) return Optional.of(v);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + info, e);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes a version folder through {@link AtomicWrites#publishFolder}: the files go to a hidden
     * folder that is then renamed to {@code models/VERSION}.
     */
    public void writeVersion(String version, Map<String, byte[]> files) {
        Path target = versionPath(version);
        try {
            if (fs.exists(target)) throw new IllegalStateException("registry " + root + " already has " + version + "; is another retraining run writing to it?");
            AtomicWrites.publishFolder(fs, target, false, (fileSystem, staged) -> {
                for (var e : files.entrySet()) {
                    try (var out = fileSystem.create(new Path(staged, e.getKey()), false)) {
                        out.write(e.getValue());
                        out.hsync();
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write version " + version + " to registry " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Points {@code champion} at {@code version} atomically through {@link AtomicWrites#write}, so a
     * reader sees the old or the new champion, never neither.
     */
    public void setChampion(String version) {
        if (!VERSION.matcher(version).matches()) throw new IllegalArgumentException("not a version name: " + version);
        byte[] text = (version + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            AtomicWrites.write(conf, new Path(root, "champion"), out -> {
                out.write(text);
                FaultInjection.at("promote");
            });
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot point the champion of registry " + root + " at " + version + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Decisions of the completed runs, by run key. */
    public Map<String, JsonNode> decisions() {
        Path runs = new Path(root, "runs");
        Map<String, JsonNode> out = new TreeMap<>();
        try {
            if (!fs.exists(runs)) return out;
            for (FileStatus s : fs.listStatus(runs)) {
                Path decision = new Path(s.getPath(), "decision.json");
                if (s.isDirectory() && fs.exists(decision)) out.put(s.getPath().getName(), readJson(decision));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the runs of registry " + root, e);
        }
    }

    /** Every partition a completed run trained on. */
    public Set<LocalDate> processedPartitions() {
        Set<LocalDate> out = new HashSet<>();
        for (JsonNode d : decisions().values()) for (JsonNode p : d.path("partitions")) out.add(LocalDate.parse(p.asText()));
        return out;
    }

    public void recordDecision(String runKey, String json) {
        runFolder(runKey).writeText(conf, "decision.json", json);
    }

    /** Removes the hidden temporary files and folders a crashed run left behind. */
    public void removeLeftovers() {
        try {
            for (Path dir : new Path[] {new Path(root), new Path(root, "models")}) {
                if (!fs.exists(dir)) continue;
                for (FileStatus s : fs.listStatus(dir)) {
                    String name = s.getPath().getName();
                    if (AtomicWrites.isTemporaryName(name)) fs.delete(s.getPath(), true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean temporary files in registry " + root, e);
        }
    }

    public byte[] readBytes(Path file) {
        try (var in = fs.open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
