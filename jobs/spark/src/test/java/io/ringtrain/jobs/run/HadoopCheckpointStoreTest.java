package io.ringtrain.jobs.run;

import io.ringtrain.trainer.checkpoint.CheckpointStore;
import io.ringtrain.trainer.checkpoint.FileCheckpointStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class HadoopCheckpointStoreTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void aLocalFolderWithOrWithoutSchemeGetsPlainFiles() {
        for (String path : new String[] {dir.toString(), "file://" + dir}) {
            CheckpointStore store = HadoopCheckpointStore.forPath(path, new Configuration(), 3);
            assertInstanceOf(FileCheckpointStore.class, store, path);
            assertEquals(dir.toString(), store.location(), path);
        }
    }

    @Test
    void aPathWithoutSchemeStaysOnTheDefaultFileSystemLikeTheRestOfTheRunFolder() {
        Configuration conf = new Configuration();
        conf.set("fs.defaultFS", "elsewhere://cluster/");
        conf.set("fs.elsewhere.impl", ElsewhereFileSystem.class.getName());
        conf.setBoolean("fs.elsewhere.impl.disable.cache", true);
        CheckpointStore store = HadoopCheckpointStore.forPath("runs/latest/checkpoints", conf, 3);
        assertInstanceOf(HadoopCheckpointStore.class, store);
        assertEquals("elsewhere://cluster/user/ringtrain/runs/latest/checkpoints", store.location());
    }

    /** A non-local file system that is only ever named, never read or written. */
    public static final class ElsewhereFileSystem extends FileSystem {
        private URI uri;

        @Override
        public void initialize(URI name, Configuration conf) {
            uri = URI.create(name.getScheme() + "://" + name.getAuthority());
        }

        @Override
        public URI getUri() {
            return uri;
        }

        @Override
        public Path getWorkingDirectory() {
            return new Path(uri + "/user/ringtrain");
        }

        @Override
        public void setWorkingDirectory(Path dir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FSDataInputStream open(Path f, int bufferSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
                                         Progressable progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean rename(Path src, Path dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(Path f, boolean recursive) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileStatus[] listStatus(Path f) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean mkdirs(Path f, FsPermission permission) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileStatus getFileStatus(Path f) {
            throw new UnsupportedOperationException();
        }
    }
}
