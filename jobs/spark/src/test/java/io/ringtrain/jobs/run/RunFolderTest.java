package io.ringtrain.jobs.run;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RunFolderTest {
    @TempDir
    Path dir;

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesToALocalFolderLeaveNoHadoopChecksumFiles() throws IOException {
        Configuration conf = new Configuration();
        for (String root : List.of(dir.resolve("plain").toString(), "file://" + dir.resolve("uri"))) {
            RunFolder run = new RunFolder(root);
            run.writeText(conf, "summary.json", "{}");
            run.writeText(conf, "summary.json", "{\"again\":true}");
            run.writeBytes(conf, "checkpoints/model.bin", new byte[] {1, 2, 3});
            Path local = Path.of(root.replace("file://", ""));
            assertEquals(List.of("checkpoints", "summary.json"), names(local), root);
            assertEquals(List.of("model.bin"), names(local.resolve("checkpoints")), root);
            assertEquals("{\"again\":true}", run.readText(conf, "summary.json"));
        }
    }

    @Test
    void rewritingAFileRemovesTheChecksumAnEarlierVersionLeftSoHadoopStillReadsIt() throws IOException {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path summary = new org.apache.hadoop.fs.Path(dir.toUri().toString(), "summary.json");
        FileSystem checksummed = FileSystem.getLocal(conf);
        try (OutputStream out = checksummed.create(summary, true)) {
            out.write("{\"old\":1}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of(".summary.json.crc", "summary.json"), names(dir));

        new RunFolder(dir.toString()).writeText(conf, "summary.json", "{\"new\":22}");

        assertFalse(Files.exists(dir.resolve(".summary.json.crc")));
        try (var in = checksummed.open(summary)) {
            assertEquals("{\"new\":22}", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** A 64 KiB tmpfs (the tests run as root on Linux; elsewhere the test is skipped) on which a larger write runs out of space midway. */
    @Test
    void aWriteThatRunsOutOfDiskLeavesNoTemporaryFileAndTheOldFileIntactAndSaysTheDiskIsFull() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here (needs root on Linux)");
        try {
            Configuration conf = new Configuration();
            RunFolder run = new RunFolder(small.toString());
            run.writeText(conf, "model.safetensors", "old model");

            java.io.UncheckedIOException failure = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                    () -> run.write(conf, "model.safetensors", out -> out.write(new byte[1 << 20])));

            assertEquals(List.of("model.safetensors"), names(small));
            assertEquals("old model", run.readText(conf, "model.safetensors"));
            String reported = io.ringtrain.jobs.train.RootCause.message(failure); // the one line the command prints
            org.junit.jupiter.api.Assertions.assertTrue(reported.startsWith("cannot write ") && reported.contains("the disk is full"), reported);
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void aFailingWriteOfAnyKindRemovesItsTemporaryFile() {
        Configuration conf = new Configuration();
        RunFolder run = new RunFolder(dir.toString());
        run.writeText(conf, "summary.json", "{\"old\":1}");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> run.write(conf, "summary.json", out -> {
            out.write(new byte[100]);
            throw new IllegalStateException("the writer failed midway");
        }));
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> assertEquals(List.of("summary.json"), names(dir)));
    }
}
