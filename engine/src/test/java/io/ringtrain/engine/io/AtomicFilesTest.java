package io.ringtrain.engine.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeReplacesTheFileAndCreatesItsFolder() throws IOException {
        Path file = dir.resolve("a/b/weights.bin");
        AtomicFiles.write(file, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(file, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));

        assertEquals("new", Files.readString(file));
        assertEquals(List.of("weights.bin"), names(file.getParent()));
    }

    @Test
    void aWriteThatFailsMidwayRemovesItsTemporaryFileAndKeepsTheOldFile() throws IOException {
        Path file = dir.resolve("weights.bin");
        Files.writeString(file, "old");

        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[100]);
            throw new IllegalStateException("the writer failed midway");
        }));

        assertEquals(List.of("weights.bin"), names(dir));
        assertEquals("old", Files.readString(file));
    }

    @Test
    void replaceFolderPutsTheStagedFolderInPlaceAndLeavesNoOldCopyAside() throws IOException {
        Path target = Files.createDirectories(dir.resolve("step-1"));
        Files.writeString(target.resolve("old.txt"), "old");
        Path staged = Files.createDirectories(dir.resolve(".tmp-step-1"));
        Files.writeString(staged.resolve("new.txt"), "new");

        AtomicFiles.replaceFolder(staged, target);

        assertEquals(List.of("step-1"), names(dir));
        assertEquals(List.of("new.txt"), names(target));
    }
}
