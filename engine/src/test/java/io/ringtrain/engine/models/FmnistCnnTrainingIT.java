package io.ringtrain.engine.models;

import io.ringtrain.engine.data.ArrayDataset;
import io.ringtrain.engine.data.BatchIterator;
import io.ringtrain.engine.data.ProjectData;
import io.ringtrain.engine.nn.Init;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance check of issue 2: single-process training of fmnist-cnn on the full Fashion-MNIST
 * (data/fashion-mnist) with the recipe (SGD lr 0.05, momentum 0.9, weight decay 5e-4,
 * cosine per step to 0, batch 64, inputs normalised by the training mean/std, seed 0) reaches
 * ≥ 90.5% test accuracy within 3 epochs. PyTorch 1.13 reaches 91.0% with the same recipe.
 *
 * <p>It first times 20 steps; when the projected run exceeds the budget
 * ({@code -Dringtrain.it.trainingBudgetMinutes}, default 15) it is skipped with the projection in
 * the message instead of holding CI for an hour (e.g. with the scalar reference GEMM).
 */
class FmnistCnnTrainingIT {
    @Test
    void reachesAtLeast90Point5PercentTestAccuracyIn3Epochs() throws IOException {
        ArrayDataset[] data = ArrayDataset.fromIdxFolder(ProjectData.fashionMnist());
        TrainFmnist.Options recipe = TrainFmnist.Options.recipe();

        double projectedMinutes = projectMinutes(data[0], recipe);
        double budget = Double.parseDouble(System.getProperty("ringtrain.it.trainingBudgetMinutes", "15"));
        System.out.printf(Locale.ROOT, "projected training time %.1f min (budget %.0f min)%n", projectedMinutes, budget);
        Assumptions.assumeTrue(projectedMinutes <= budget, String.format(Locale.ROOT,
                "skipped: 3 epochs would take ~%.0f min here (budget %.0f min, -Dringtrain.it.trainingBudgetMinutes); the GEMM or the machine is too slow",
                projectedMinutes, budget));

        TrainFmnist.Result r = TrainFmnist.train(data[0], data[1], recipe, System.out);
        System.out.printf(Locale.ROOT, "test accuracy: %.2f%% after %.0f s (%.0f samples/s)%n", 100.0 * r.testAccuracy(), r.trainSeconds(), r.samplesPerSecond());
        assertTrue(r.testAccuracy() >= 0.905, String.format(Locale.ROOT, "test accuracy %.2f%% is below 90.5%%", 100.0 * r.testAccuracy()));
    }

    /** Minutes for the whole run, from the time of 20 steps after 15 warm-up steps on a throwaway model. */
    private static double projectMinutes(ArrayDataset train, TrainFmnist.Options o) {
        Init.manualSeed(99);
        TrainFmnist.Session s = new TrainFmnist.Session(new FmnistCnn(), o.lr(), o.momentum(), o.weightDecay(), 1000);
        BatchIterator it = new BatchIterator(train, o.batchSize(), true, 99, true);
        for (int i = 0; i < 15; i++) {
            BatchIterator.Batch b = it.next();
            s.step(b.inputs(), b.labels());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            BatchIterator.Batch b = it.next();
            s.step(b.inputs(), b.labels());
        }
        double perStep = (System.nanoTime() - t0) / 1e9 / 20;
        long steps = (long) o.epochs() * ((train.size() + o.batchSize() - 1) / o.batchSize());
        return perStep * steps / 60;
    }
}
