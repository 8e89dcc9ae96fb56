package io.ringtrain.trainer.sync;

import io.ringtrain.allreduce.Compression;

import java.util.Objects;

/**
 * Tuning of gradient synchronisation. Defaults follow PyTorch DDP: buckets of about 25 MiB, a
 * small first bucket (1 MiB) so the first all-reduce starts early in backward, and gradients sent
 * in float32. {@link Compression#BF16} halves the bytes on the wire (as DDP's
 * {@code bf16_compress_hook}); the summed gradients are then rounded to bfloat16.
 */
public record ReplicaOptions(long bucketCapBytes, long firstBucketCapBytes, Compression gradientCompression) {
    public static final ReplicaOptions DEFAULTS = new ReplicaOptions(25L << 20, 1L << 20, Compression.NONE);

    public ReplicaOptions {
        if (bucketCapBytes <= 0 || firstBucketCapBytes <= 0) {
            throw new IllegalArgumentException("bucket caps must be positive, got bucketCapBytes=" + bucketCapBytes
                    + ", firstBucketCapBytes=" + firstBucketCapBytes);
        }
        Objects.requireNonNull(gradientCompression, "gradientCompression (Compression.NONE for none)");
    }

    public ReplicaOptions withBucketCapBytes(long bytes) {
        return new ReplicaOptions(bytes, Math.min(firstBucketCapBytes, bytes), gradientCompression);
    }

    public ReplicaOptions withGradientCompression(Compression compression) {
        return new ReplicaOptions(bucketCapBytes, firstBucketCapBytes, compression);
    }
}
