package io.ringtrain.jobs.models;

import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelProvenanceTest {
    /** The metadata of an image model as the training job wrote it before ModelProvenance existed, key for key, in its order. */
    private static Map<String, String> imageMetadataBeforeProvenance() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "mlp");
        m.put("data", "data/fashion-mnist-sample");
        m.put("replicas", "2");
        m.put("seed", "42");
        m.put("epochs", "3");
        m.put("input_shape", "1,4,4");
        m.put("num_classes", "3");
        m.put("mean", "0.2860402");
        m.put("std", "0.3530239");
        m.put("class_names", "[\"t-shirt\",\"trouser\",\"pullover\"]");
        m.put("code_version", "0.9.0");
        m.put("test_accuracy", "0.8125");
        return m;
    }

    @Test
    void anImageModelsProvenanceIsWrittenWithTheKeysAndOrderSavedModelsHaveAlwaysHad() {
        ModelProvenance provenance = new ModelProvenance(ModelRecipe.builtIn("mlp").metadata(),
                new ModelProvenance.Training("data/fashion-mnist-sample", 2, 42L, 3),
                new ModelProvenance.ImageInput(new int[] {1, 4, 4}, 3, new float[] {0.2860402f}, new float[] {0.3530239f}, List.of("t-shirt", "trouser", "pullover")),
                Map.of(), "0.9.0", 0.8125);

        Map<String, String> metadata = provenance.toMetadata();

        assertEquals(new ArrayList<>(imageMetadataBeforeProvenance().entrySet()), new ArrayList<>(metadata.entrySet()));
    }

    @Test
    void metadataWrittenBeforeProvenanceExistedReadsBackAndWritesBackUnchanged() {
        Map<String, String> old = imageMetadataBeforeProvenance();

        ModelProvenance provenance = ModelProvenance.fromMetadata(old, "old.safetensors");

        assertEquals(Map.of("model", "mlp"), provenance.model());
        assertEquals(new ModelProvenance.Training("data/fashion-mnist-sample", 2, 42L, 3), provenance.training());
        assertArrayEquals(new int[] {1, 4, 4}, provenance.image().inputShape());
        assertEquals(List.of("t-shirt", "trouser", "pullover"), provenance.image().classNames());
        assertEquals(0.8125, provenance.testAccuracy());
        assertEquals(new ArrayList<>(old.entrySet()), new ArrayList<>(provenance.toMetadata().entrySet()));
    }

    @Test
    void aUsersLossFunctionIsRecordedWithTheRunAndReadBackAndTheDefaultRecordsNone() {
        String encoded = io.ringtrain.jobs.train.LossFunction.encode(new io.ringtrain.jobs.models.usernets.HalfCrossEntropy());
        ModelProvenance provenance = new ModelProvenance(ModelRecipe.builtIn("mlp").metadata(), new ModelProvenance.Training("d", 2, 42L, 3, encoded),
                new ModelProvenance.ImageInput(new int[] {1, 4, 4}, 3, null, null, null), Map.of(), "0.9.0", null);

        Map<String, String> metadata = provenance.toMetadata();

        assertEquals(encoded, metadata.get("loss_function"));
        assertEquals(encoded, ModelProvenance.fromMetadata(metadata, "w.safetensors").training().lossFunction());
        assertNull(ModelProvenance.fromMetadata(imageMetadataBeforeProvenance(), "old.safetensors").training().lossFunction(), "cross-entropy: no key");
    }

    @Test
    void aFileFromBeforeRunsWereRecordedHasNullsForWhatItDoesNotSay() {
        ModelProvenance provenance = ModelProvenance.fromMetadata(Map.of("model", "mlp", "input_shape", "1,28,28", "num_classes", "10"), "oldest");

        assertNull(provenance.training().replicas());
        assertNull(provenance.codeVersion());
        assertNull(provenance.image().mean());
        assertNull(provenance.image().classNames());
        assertEquals(10, provenance.image().numClasses());
    }

    @Test
    void aTextModelKeepsItsSettingsAndHasNoImageInput() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("model", "char-lstm");
        text.put("data", "data/tiny-shakespeare");
        text.put("replicas", "1");
        text.put("seed", "7");
        text.put("epochs", "1");
        text.put("format", "text");
        text.put("vocabulary", "[\"a\",\"b\"]");
        text.put("num_classes", "2");
        text.put("seq_len", "64");
        text.put("code_version", "0.9.0");

        ModelProvenance provenance = ModelProvenance.fromMetadata(text, "lstm.safetensors");

        assertNull(provenance.image());
        assertEquals("64", provenance.textModel().get("seq_len"));
        assertEquals(new ArrayList<>(text.entrySet()), new ArrayList<>(provenance.toMetadata().entrySet()));
    }

    @Test
    void aValueThatDoesNotParseIsRefusedNamingTheKeyAndTheFile() {
        Map<String, String> bad = new LinkedHashMap<>(imageMetadataBeforeProvenance());
        bad.put("replicas", "two");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelProvenance.fromMetadata(bad, "w.safetensors"));

        assertEquals("metadata 'replicas' = 'two' of w.safetensors is not a number", e.getMessage());
    }

    @Test
    void aSavedModelWrittenBeforeProvenanceExistedStillLoads() throws IOException {
        Module mlp = ModelZoo.create("mlp", new int[] {1, 4, 4}, 3, 1);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        SafeTensors.write(file, mlp.stateDict(), mlp.stateDictDtypes(), imageMetadataBeforeProvenance());

        SavedModel saved = SavedModel.fromBytes(file.toByteArray(), "old.safetensors", null, null, null, null);

        assertEquals("mlp", saved.name());
        assertArrayEquals(new int[] {1, 4, 4}, saved.inputShape());
        assertArrayEquals(new float[] {0.2860402f}, saved.mean());
        assertEquals("trouser", saved.className(1));
        assertTrue(saved.metadata().containsKey("code_version"));
        saved.instantiate();
    }
}
