package io.ringtrain.jobs.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.geometric.HorizontalFlip;
import io.ringtrain.jobs.augment.geometric.Interpolation;
import io.ringtrain.jobs.augment.geometric.Jitter;
import io.ringtrain.jobs.augment.geometric.RandomResizedCrop;
import io.ringtrain.jobs.augment.pixel.ColorJitter;
import io.ringtrain.jobs.augment.pixel.GaussianNoise;
import io.ringtrain.jobs.augment.pixel.SaltAndPepper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A sample's augmentation depends on (job seed, epoch, record id) only. */
class SeedingTest {
    private static final Augmentation AUGMENT = new Augmentation(Compose.of(
            RandomResizedCrop.ofSize(24, 24),
            new RandomApply(new HorizontalFlip(), 0.5),
            new ColorJitter(0.4, 0.4, 0.4, 0.1),
            new Jitter(new double[] {-10, 10}, 0.1, 0.1, new double[] {0.9, 1.1}, new double[] {-5, 5}, new double[] {0, 0}, Interpolation.BILINEAR, 0),
            new GaussianNoise(0, 2, 8, true),
            new SaltAndPepper(0.02, 0.5)), 42L);

    private static Sample record(long id) {
        SplittableRandom rng = new SplittableRandom(id);
        float[] chw = new float[3 * 32 * 32];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = rng.nextInt(256);
        }
        return Sample.of(Image.wrapChw(3, 32, 32, chw));
    }

    @Test
    void sameRecordAndEpochGiveTheSameResultWhateverThreadOrOrderProcessesIt() {
        Map<Long, float[]> sequential = new ConcurrentHashMap<>();
        for (long id = 0; id < 64; id++) {
            sequential.put(id, AUGMENT.apply(record(id), 3, id).image().data());
        }
        List<Integer> shuffled = new ArrayList<>(IntStream.range(0, 64).boxed().toList());
        Collections.shuffle(shuffled, new java.util.Random(7));
        Map<Long, float[]> parallel = new ConcurrentHashMap<>();
        shuffled.parallelStream().forEach(id -> parallel.put((long) id, AUGMENT.apply(record(id), 3, id).image().data()));
        for (long id = 0; id < 64; id++) {
            assertArrayEquals(sequential.get(id), parallel.get(id), "record " + id);
        }
    }

    @Test
    void anotherEpochOrRecordGivesOtherParams() {
        Sample s = record(1);
        Params epoch0 = AUGMENT.draw(s, 0, 1);
        assertEquals(epoch0.toString(), AUGMENT.draw(s, 0, 1).toString());
        assertNotEquals(epoch0.toString(), AUGMENT.draw(s, 1, 1).toString());
        assertNotEquals(epoch0.toString(), AUGMENT.draw(s, 0, 2).toString());
        assertNotEquals(epoch0.toString(), new Augmentation(AUGMENT.pipeline(), 43L).draw(s, 0, 1).toString());
    }

    @Test
    void drawnParamsReplayToTheSameImage() {
        Sample s = record(5);
        Params drawn = AUGMENT.draw(s, 2, 5);
        assertArrayEquals(AUGMENT.apply(s, 2, 5).image().data(), AUGMENT.replay(drawn, s).image().data());
        assertTrue(drawn.toString().contains("CropWindow"), "params log as readable records: " + drawn);
    }

    @Test
    void aPipelineShippedToAnotherJvmAugmentsIdentically() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(AUGMENT);
        }
        Augmentation copy;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (Augmentation) in.readObject();
        }
        assertArrayEquals(AUGMENT.apply(record(9), 4, 9).image().data(), copy.apply(record(9), 4, 9).image().data());
    }

    @Test
    void neighbouringIdsGiveUnrelatedSeeds() {
        Set<Long> seeds = new HashSet<>();
        int flips = 0;
        for (long id = 0; id < 10_000; id++) {
            seeds.add(SampleRandom.seed(42, 0, id));
            if (SampleRandom.forSample(42, 0, id).nextDouble() < 0.5) {
                flips++;
            }
        }
        assertEquals(10_000, seeds.size());
        // a fair coin over 10 000 records: 5 000 ± 4σ (σ = 50)
        assertTrue(Math.abs(flips - 5000) < 200, "first draws are biased: " + flips + " of 10000 below 0.5");
        assertFalse(SampleRandom.recordId("images/a.png") == SampleRandom.recordId("images/b.png"));
        assertEquals(SampleRandom.recordId("images/a.png"), SampleRandom.recordId("images/a.png"));
    }
}
