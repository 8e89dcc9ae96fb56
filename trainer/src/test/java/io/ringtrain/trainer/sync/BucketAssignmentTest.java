package io.ringtrain.trainer.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringtrain.allreduce.Compression;
import io.ringtrain.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradient buckets: reverse parameter order, and a bucket closes before the gradient that would overflow its cap. */
class BucketAssignmentTest {
    private static List<Tensor> params(int... numels) {
        List<Tensor> out = new ArrayList<>();
        for (int n : numels) out.add(Tensor.zeros(n));
        return out;
    }

    private static List<List<Integer>> numels(List<GradBucket> buckets) {
        List<List<Integer>> out = new ArrayList<>();
        for (GradBucket b : buckets) out.add(b.params.stream().map(Tensor::numel).toList());
        return out;
    }

    @Test
    void aGradientThatWouldOverflowTheSmallFirstBucketStartsTheNextOne() {
        // fmnist-cnn's parameters: conv1 w/b, bn1, conv2 w/b, bn2, fc1 w/b, fc2 w/b
        List<Tensor> model = params(288, 32, 32, 32, 18432, 64, 64, 64, 401408, 128, 1280, 10);
        List<GradBucket> buckets = DistributedReplica.assignBuckets(model, ReplicaOptions.DEFAULTS);
        assertEquals(List.of(List.of(10, 1280, 128), List.of(401408, 64, 64, 64, 18432, 32, 32, 32, 288)), numels(buckets));
    }

    @Test
    void laterBucketsUseTheLargerCap() {
        // first cap 4 KiB (1024 floats), then 8 KiB (2048 floats); each tensor is 512 floats
        ReplicaOptions options = new ReplicaOptions(8 << 10, 4 << 10, Compression.NONE);
        List<GradBucket> buckets = DistributedReplica.assignBuckets(params(512, 512, 512, 512, 512, 512, 512, 512, 512), options);
        assertEquals(List.of(List.of(512, 512), List.of(512, 512, 512, 512), List.of(512, 512, 512)), numels(buckets));
    }

    @Test
    void everyParameterIsInExactlyOneBucketInReverseOrder() {
        List<Tensor> model = params(7, 3000, 1, 65536, 9, 300000, 2);
        List<GradBucket> buckets = DistributedReplica.assignBuckets(model, new ReplicaOptions(1 << 18, 1 << 10, Compression.NONE));
        List<Tensor> launched = new ArrayList<>();
        for (GradBucket b : buckets) launched.addAll(b.params);
        List<Tensor> reversed = new ArrayList<>(model);
        java.util.Collections.reverse(reversed);
        assertEquals(reversed, launched);
        for (GradBucket b : buckets.subList(0, buckets.size() - 1)) {
            long cap = b.index == 0 ? 1 << 10 : 1 << 18;
            long next = 4L * buckets.get(b.index + 1).params.get(0).numel();
            assertEquals(true, b.bytes() <= cap || b.params.size() == 1, "bucket " + b.index + " overflows its cap");
            assertEquals(true, b.bytes() + next > cap, "bucket " + b.index + " closed while the next gradient still fitted");
        }
    }
}
