package io.ringtrain.engine.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Init;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The state-dict file we write for a built-in model is byte for byte the committed fixture
 * {@code golden/small_resnet_state_dict.safetensors}, which {@code tools/golden/check_state_dict.py}
 * loads into the PyTorch twin with {@code load_state_dict(strict=True)}, checking every dtype
 * (int64 for {@code num_batches_tracked}, float32 elsewhere). A change to names, shapes, dtypes or
 * the writer fails here until the fixture is rewritten
 * ({@code -Dringtrain.golden.rewrite=true}) and the Python check is run again on it.
 */
class StateDictFileForPyTorchTest {
    static final String FIXTURE = "golden/small_resnet_state_dict.safetensors";

    /** SmallResNet on 2-channel 8×8 images, 3 classes, seed 7, every BatchNorm having counted 5 batches. */
    static byte[] stateDictFile() throws IOException {
        Init.manualSeed(7);
        SmallResNet model = new SmallResNet(new int[] {2, 8, 8}, 3);
        Map<String, Tensor> state = model.stateDict();
        state.forEach((name, t) -> {
            if (name.endsWith("num_batches_tracked")) t.copyFrom(Tensor.of(new float[] {5f}));
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> metadata = new TreeMap<>(Map.of("model", "small-resnet", "input_shape", "2,8,8", "num_classes", "3"));
        SafeTensors.write(out, state, model.stateDictDtypes(), metadata);
        return out.toByteArray();
    }

    @Test
    void theFileWeWriteIsTheFixtureThatPyTorchLoadsStrictly() throws IOException {
        byte[] written = stateDictFile();
        if (Boolean.getBoolean("ringtrain.golden.rewrite")) {
            Files.write(Path.of("src/test/resources").resolve(FIXTURE), written);
        }
        byte[] fixture;
        try (InputStream in = getClass().getResourceAsStream("/" + FIXTURE)) {
            assertNotNull(in, FIXTURE + " is missing; run this test with -Dringtrain.golden.rewrite=true");
            fixture = in.readAllBytes();
        }
        assertArrayEquals(fixture, written, "the state-dict file changed: rewrite " + FIXTURE
                + " (-Dringtrain.golden.rewrite=true) and run /usr/bin/python3 tools/golden/check_state_dict.py");
    }
}
