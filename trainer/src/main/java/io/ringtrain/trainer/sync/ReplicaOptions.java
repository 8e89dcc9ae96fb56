package io.ringtrain.trainer.sync;

/**
 * Tuning of gradient synchronisation. Defaults follow PyTorch DDP: buckets of about 25 MiB and a
 * small first bucket (1 MiB) so the first all-reduce starts early in backward.
 */
public record ReplicaOptions(long bucketCapBytes, long firstBucketCapBytes) {
    public static final ReplicaOptions DEFAULTS = new ReplicaOptions(25L << 20, 1L << 20);

    public ReplicaOptions {
        if (bucketCapBytes <= 0 || firstBucketCapBytes <= 0) {
            throw new IllegalArgumentException("bucket caps must be positive, got bucketCapBytes=" + bucketCapBytes
                    + ", firstBucketCapBytes=" + firstBucketCapBytes);
        }
    }

    public ReplicaOptions withBucketCapBytes(long bytes) {
        return new ReplicaOptions(bytes, Math.min(firstBucketCapBytes, bytes));
    }
}
