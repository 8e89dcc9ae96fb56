package io.ringtrain.jobs.models;

import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model metadata: class names and the int64 BatchNorm counts survive a SavedModel round trip. */
class SavedModelTest {
    private static byte[] weights(String model, int[] shape, int classes, String classNames) throws IOException {
        Module m = ModelZoo.create(model, shape, classes, 1);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", model);
        metadata.put("input_shape", shape[0] + "," + shape[1] + "," + shape[2]);
        metadata.put("num_classes", Integer.toString(classes));
        if (classNames != null) metadata.put(SavedModel.CLASS_NAMES, classNames);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, m.stateDict(), m.stateDictDtypes(), metadata);
        return out.toByteArray();
    }

    @Test
    void classNamesComeFromTheMetadataAndAreWrittenBack() throws IOException {
        List<String> names = List.of("ankle boot", "a,b", "t-shirt");
        byte[] bytes = weights("mlp", new int[] {1, 4, 4}, 3, SavedModel.encodeClassNames(names));

        SavedModel saved = SavedModel.fromBytes(bytes, "w", null, null, null, null);
        SavedModel again = SavedModel.fromBytes(saved.withNormalization(new float[] {0.5f}, new float[] {0.2f}).toSafetensors(), "w2", null, null, null, null);

        assertEquals(names, saved.classNames());
        assertEquals("a,b", saved.className(1));
        assertEquals(names, again.classNames(), "toSafetensors keeps the names");
    }

    @Test
    void aModelSavedWithoutNamesHasIndexLabels() throws IOException {
        SavedModel saved = SavedModel.fromBytes(weights("mlp", new int[] {1, 4, 4}, 3, null), "old", null, null, null, null);

        assertNull(saved.classNames());
        assertEquals("2", saved.className(2));
    }

    @Test
    void moreNamesThanOutputsOrUnreadableNamesAreRefused() throws IOException {
        byte[] four = weights("mlp", new int[] {1, 4, 4}, 3, SavedModel.encodeClassNames(List.of("a", "b", "c", "d")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModel.fromBytes(four, "w", null, null, null, null));
        assertTrue(e.getMessage().contains("names 4 classes") && e.getMessage().contains("3 outputs"), e.getMessage());

        byte[] text = weights("mlp", new int[] {1, 4, 4}, 3, "a,b,c");
        e = assertThrows(IllegalArgumentException.class, () -> SavedModel.fromBytes(text, "w", null, null, null, null));
        assertTrue(e.getMessage().contains("'class_names' = 'a,b,c'") && e.getMessage().contains("not a JSON array"), e.getMessage());
    }

    @Test
    void theBatchNormCountsStayInt64WhenTheModelIsWrittenBack() throws IOException {
        SavedModel saved = SavedModel.fromBytes(weights("small-resnet", new int[] {1, 8, 8}, 3, null), "w", null, null, null, null);

        SafeTensors.Contents back = SafeTensors.read(new ByteArrayInputStream(saved.toSafetensors()), "back");

        assertEquals("I64", back.dtypes().get("bn1.num_batches_tracked"));
        assertEquals("F32", back.dtypes().get("bn1.running_mean"));
        saved.instantiate();
    }

    private static byte[] userWeights(Map<String, String> recipe) throws IOException {
        Module m = ModelRecipe.fromMetadata(recipe).create(new int[] {1, 4, 4}, 3, 1);
        Map<String, String> metadata = new LinkedHashMap<>(recipe);
        metadata.put("input_shape", "1,4,4");
        metadata.put("num_classes", "3");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, m.stateDict(), m.stateDictDtypes(), metadata);
        return out.toByteArray();
    }

    @Test
    void aUsersClassIsRebuiltFromTheMetadataWithItsWeights() throws IOException {
        Map<String, String> recipe = ModelRecipe.ofClass(io.ringtrain.jobs.models.usernets.TinyNet.class.getName()).metadata();
        SavedModel saved = SavedModel.fromBytes(userWeights(recipe), "w", null, null, null, null);

        Module m = saved.instantiate();
        assertTrue(m instanceof io.ringtrain.jobs.models.usernets.TinyNet, m.getClass().getName());
        assertEquals(io.ringtrain.jobs.models.usernets.TinyNet.class.getName(), saved.name());
        SavedModel again = SavedModel.fromBytes(saved.toSafetensors(), "w2", null, null, null, null);
        assertEquals(saved.recipe(), again.recipe(), "toSafetensors keeps the recipe");
    }

    @Test
    void aSavedSpecIsRebuiltFromTheMetadata() throws IOException {
        Map<String, String> recipe = ModelRecipe.ofSpec("[{type: flatten}, {type: linear, out_features: 3}]").metadata();

        SavedModel saved = SavedModel.fromBytes(userWeights(recipe), "w", null, null, null, null);

        assertEquals(ModelRecipe.SPEC_LABEL, saved.name());
        assertEquals(3, saved.instantiate().forward(io.ringtrain.engine.Tensor.zeros(1, 1, 4, 4)).shape()[1]);
    }

    @Test
    void aUsersClassMissingAtReloadIsNamedWithTheJarToAdd() throws IOException {
        Map<String, String> recipe = new LinkedHashMap<>(ModelRecipe.ofClass(io.ringtrain.jobs.models.usernets.TinyNet.class.getName()).metadata());
        byte[] bytes = userWeights(recipe);
        Map<String, String> gone = new LinkedHashMap<>(SafeTensors.read(new ByteArrayInputStream(bytes), "w").metadata());
        gone.put(ModelRecipe.MODEL_CLASS, "com.acme.GoneNet");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, SafeTensors.read(new ByteArrayInputStream(bytes), "w").tensors(), Map.of(), gone);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedModel.fromBytes(out.toByteArray(), "w", null, null, null, null));
        assertTrue(e.getMessage().contains("com.acme.GoneNet") && e.getMessage().contains("add the jar"), e.getMessage());
    }
}
