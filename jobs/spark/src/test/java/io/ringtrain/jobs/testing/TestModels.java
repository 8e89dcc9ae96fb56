package io.ringtrain.jobs.testing;

import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.data.ImageRecord;
import io.ringtrain.jobs.models.ModelZoo;
import io.ringtrain.jobs.models.SavedModel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Untrained models and synthetic records for tests that need no data set and no Spark. */
public final class TestModels {
    private TestModels() {}

    /** A freshly initialised mlp for 1×28×28 images and 10 classes, with a stored normalisation. */
    public static SavedModel untrainedMlp() {
        Module mlp = ModelZoo.create("mlp", new int[] {1, 28, 28}, 10, 7);
        var bytes = new ByteArrayOutputStream();
        try {
            SafeTensors.write(bytes, mlp.stateDict(), Map.of("model", "mlp", "input_shape", "1,28,28", "num_classes", "10", "mean", "0.286", "std", "0.353"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SavedModel.fromBytes(bytes.toByteArray(), "untrained mlp", null, null, null, null);
    }

    /** {@code n} labelled 28×28 grey images of random raw pixels. */
    public static List<ImageRecord> randomImages(int n, long seed) {
        Random random = new Random(seed);
        List<ImageRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] pixels = new byte[28 * 28];
            random.nextBytes(pixels);
            out.add(new ImageRecord(i, random.nextInt(10), 28, 28, 1, false, pixels, null));
        }
        return out;
    }
}
