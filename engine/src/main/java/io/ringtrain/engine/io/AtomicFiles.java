package io.ringtrain.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one way a file or folder is published on a local file system: written under a hidden
 * temporary name beside its target, synced, then renamed into place, so a reader (or a crash) sees
 * the old version or the new one, never half of one. On any failure, an {@link Error} too, the
 * temporary copy is removed and the old version is left as it was. (Hadoop file systems go through
 * {@code jobs}' {@code AtomicWrites}, which hands local paths to this class.)
 */
public final class AtomicFiles {
    /** The prefix of a folder that {@link #replaceFolder} moved aside and had not yet deleted when it crashed. */
    public static final String OLD_PREFIX = ".old-";

    private static final SecureRandom TEMP_NAMES = new SecureRandom();

    private AtomicFiles() {}

    /** What {@link #write} writes into the temporary file (the stream is unbuffered: buffer large writes). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The hidden temporary name {@link #write} uses beside {@code target}: ".NAME.tmp-RANDOM". */
    public static String temporaryName(String target) {
        return "." + target + ".tmp-" + Long.toUnsignedString(TEMP_NAMES.nextLong(), 36);
    }

    /**
     * Writes {@code content} to a hidden temporary file beside {@code file}, forces it to disk and
     * renames it over {@code file} in one step (a plain replace where the file system cannot rename
     * atomically). Creates the parent folders. The file gets the umask's permissions, not the
     * owner-only ones of {@code Files.createTempFile}, so other users (a Spark driver, a notebook)
     * can read it.
     */
    public static void write(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createFile(dir.resolve(temporaryName(file.getFileName().toString())));
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                content.writeTo(Channels.newOutputStream(channel));
                channel.force(true);
            }
            move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Puts the complete folder {@code staged} (a sibling of {@code target}) in place of
     * {@code target}: an existing {@code target} is first moved aside under {@link #OLD_PREFIX} and
     * deleted once the new one is in place, so a crash leaves the old folder, the new one, or the old
     * one aside (for the owner's clean-up to find), never a half-written folder under the name.
     */
    public static void replaceFolder(Path staged, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        syncDirectory(staged);
        Path old = null;
        if (Files.exists(target)) {
            old = dir.resolve(OLD_PREFIX + target.getFileName() + "-" + System.nanoTime());
            move(target, old);
        }
        move(staged, target);
        syncDirectory(dir);
        if (old != null) deleteRecursively(old);
    }

    /** Deletes a file or a folder with everything in it; nothing when it does not exist. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void move(Path from, Path to, StandardCopyOption... options) throws IOException {
        StandardCopyOption[] atomic = java.util.Arrays.copyOf(options, options.length + 1);
        atomic[options.length] = StandardCopyOption.ATOMIC_MOVE;
        try {
            Files.move(from, to, atomic);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, options);
        }
    }

    /** Makes a rename durable (POSIX: fsync the directory); a no-op where the platform cannot open directories. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows and some file systems cannot fsync a directory; the rename is still atomic.
        }
    }
}
