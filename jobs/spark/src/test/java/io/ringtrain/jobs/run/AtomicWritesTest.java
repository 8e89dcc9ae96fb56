package io.ringtrain.jobs.run;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicWritesTest {
    @TempDir
    Path dir;

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private FileSystem fs() {
        return AtomicWrites.fileSystem(new org.apache.hadoop.fs.Path(dir.toUri()), new Configuration());
    }

    private org.apache.hadoop.fs.Path hadoopPath(String name) {
        return new org.apache.hadoop.fs.Path(dir.resolve(name).toString());
    }

    @Test
    void aPublishedFolderReplacesTheOldOneWhole() throws IOException {
        Files.createDirectories(dir.resolve("v1"));
        Files.writeString(dir.resolve("v1/old.txt"), "old");

        AtomicWrites.publishFolder(fs(), hadoopPath("v1"), true, (fs, staged) -> {
            try (var out = fs.create(new org.apache.hadoop.fs.Path(staged, "new.txt"))) {
                out.write(1);
            }
        });

        assertEquals(List.of("v1"), names(dir));
        assertEquals(List.of("new.txt"), names(dir.resolve("v1")));
    }

    @Test
    void aFolderThatFailsMidwayLeavesNoStagedFolderAndTheOldOneIntact() throws IOException {
        Files.createDirectories(dir.resolve("v1"));
        Files.writeString(dir.resolve("v1/old.txt"), "old");

        assertThrows(IllegalStateException.class, () -> AtomicWrites.publishFolder(fs(), hadoopPath("v1"), true, (fs, staged) -> {
            fs.create(new org.apache.hadoop.fs.Path(staged, "half.txt")).close();
            throw new IllegalStateException("the writer failed midway");
        }));

        assertEquals(List.of("v1"), names(dir));
        assertEquals(List.of("old.txt"), names(dir.resolve("v1")));
    }

    @Test
    void publishingOverAnExistingFolderWithoutReplaceIsRefusedAndKeepsIt() throws IOException {
        Files.createDirectories(dir.resolve("v1"));
        Files.writeString(dir.resolve("v1/old.txt"), "old");

        IOException refused = assertThrows(IOException.class, () -> AtomicWrites.publishFolder(fs(), hadoopPath("v1"), false, (fs, staged) -> {}));

        assertEquals(List.of("v1"), names(dir));
        assertEquals(List.of("old.txt"), names(dir.resolve("v1")));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("already exists"), refused.getMessage());
    }
}
