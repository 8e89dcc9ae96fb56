package io.ringtrain.allreduce.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlannerTest {
  private final CostModel model = CostModel.FITTED;
  private final Planner planner = new Planner(model);

  /** At W = 256 a 25 MiB bucket's 510 messages cost more than its bytes: the plan asks for fewer, larger buckets. */
  @Test
  void largeWorldsGetLargerBucketsAndSegments() {
    LinkRate link = new LinkRate(25);
    long gradient = 4L * KnownModel.RESNET50.parameters();
    Planner.Plan plan = planner.plan(256, link, gradient, KnownModel.RESNET50.stepMillis() / 1e3);

    assertTrue(plan.bucketBytes() > Planner.DEFAULT_BUCKET_BYTES, "bucket " + plan.bucketBytes());
    assertEquals(98L << 20, plan.bucketBytes(), "no larger than the whole gradient (97.5 MiB) rounded up to a MiB");
    assertTrue(plan.recommendedAllReduceSeconds() < plan.allReduceSeconds(), "fewer buckets, fewer messages");
    // segments: the smallest power of two from 512 KiB whose transfer makes one message at most a tenth of it
    double perByte = model.perByteSeconds(link, 1);
    assertTrue(model.alphaSeconds() <= 0.1 * plan.segmentBytes() * perByte);
    assertTrue(plan.segmentBytes() == CostModel.DEFAULT_SEGMENT_BYTES || model.alphaSeconds() > 0.1 * (plan.segmentBytes() / 2) * perByte);
    assertTrue(plan.smallBufferBytes() <= plan.segmentBytes(), "recursive doubling sends the buffer as one frame");
    assertEquals(plan.computeSeconds() / plan.stepSeconds(), plan.scalingEfficiency(), 1e-12);
  }

  @Test
  void smallWorldsKeepTheDefaults() {
    Planner.Plan plan = planner.plan(8, new LinkRate(10), 4L * KnownModel.RESNET18.parameters(), 1.0);
    assertEquals(Planner.DEFAULT_BUCKET_BYTES, plan.bucketBytes());
    assertEquals(CostModel.DEFAULT_SEGMENT_BYTES, plan.segmentBytes());
  }

  @Test
  void exposedTimeIsTheUnhiddenShareOrWhatBackwardCannotHide() {
    assertEquals(0.02 * 0.010, Planner.exposedSeconds(0.010, 1.0), 1e-12);   // fits in backward: 2% shows
    assertEquals(0.100 - 0.067, Planner.exposedSeconds(0.100, 0.1), 1e-12);  // longer than backward: the rest shows
  }

  @Test
  void oneWorkerHasNothingToSynchronise() {
    Planner.Plan plan = planner.plan(1, new LinkRate(25), 4L * KnownModel.FMNIST_CNN.parameters(), 0.04);
    assertEquals(0, plan.allReduceSeconds(), 0);
    assertEquals(1.0, plan.scalingEfficiency(), 0);
  }
}
