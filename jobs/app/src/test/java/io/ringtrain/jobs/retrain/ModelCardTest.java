package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.models.ModelProvenance;
import io.ringtrain.jobs.models.ModelRecipe;
import io.ringtrain.jobs.models.ModelZoo;
import io.ringtrain.jobs.models.usernets.TinyNet;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A registry version's model, as retraining rebuilds and describes it: from the provenance its weights record. */
class ModelCardTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] weights(Module model, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, model.stateDict(), model.stateDictDtypes(), metadata);
        return out.toByteArray();
    }

    /** A version's weights as registries hold them from before ModelProvenance: a built-in model's keys, in the job's order. */
    private static byte[] versionWeightsFromBeforeProvenance() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "mlp");
        m.put("data", "registry/dataset [2024-03-01]");
        m.put("replicas", "2");
        m.put("seed", "42");
        m.put("epochs", "1");
        m.put("input_shape", "1,28,28");
        m.put("num_classes", "10");
        m.put("mean", "0.2860402");
        m.put("std", "0.3530239");
        m.put("code_version", "0.9.0");
        m.put("test_accuracy", "0.71");
        return weights(ModelZoo.create("mlp", new int[] {1, 28, 28}, 10, 1), m);
    }

    private static String card(ModelProvenance provenance) {
        ObjectNode version = JSON.createObjectNode().put("version", "v0001").put("created", "2024-03-02T00:00:00Z").put("run_folder", "runs/r")
                .put("run_key", "k").putNull("warm_start_from");
        ObjectNode metrics = JSON.createObjectNode().put("decision", "promoted").put("reason", "no champion yet").put("margin", 0.005);
        ObjectNode data = JSON.createObjectNode().put("dataset", "d").put("first", "2024-03-01").put("last", "2024-03-01");
        TrainJobConfig train = new TrainJobConfig();
        train.batchSize = 16;
        return ModelCard.markdown(version, metrics, data, provenance, train);
    }

    @Test
    void anOldVersionsWeightsStillRebuildTheirModelAndDescribeIt() throws IOException {
        ModelProvenance provenance = ModelEvaluation.requireLoadable(versionWeightsFromBeforeProvenance(), "v0001").provenance();

        assertEquals(ModelRecipe.builtIn("mlp"), provenance.recipe());
        assertArrayEquals(new int[] {1, 28, 28}, provenance.image().inputShape());
        String md = card(provenance);
        assertTrue(md.startsWith("# Model v0001 (mlp)"), md);
        assertTrue(md.contains("- model: mlp, input [1, 28, 28], 10 classes"), md);
        assertTrue(md.contains("- 1 epoch(s), 2 replicas × batch 16, sgd lr 0.05, seed 42"), md);
        assertTrue(md.contains("- normalisation: mean [0.2860402], std [0.3530239]"), md);
        assertTrue(md.contains("- code version: 0.9.0"), md);
    }

    @Test
    void aUsersClassIsRebuiltAndNamedFromItsRecipe() throws IOException {
        ModelRecipe recipe = ModelRecipe.ofClass(TinyNet.class.getName());
        ModelProvenance recorded = new ModelProvenance(recipe.metadata(), new ModelProvenance.Training("d", 1, 7L, 2),
                new ModelProvenance.ImageInput(new int[] {1, 28, 28}, 10, new float[] {0.5f}, new float[] {0.25f}, null), Map.of(), "1.0", null);
        byte[] bytes = weights(recipe.create(new int[] {1, 28, 28}, 10, 0), recorded.toMetadata());

        ModelProvenance provenance = ModelEvaluation.requireLoadable(bytes, "v0003").provenance();

        assertEquals(recipe, provenance.recipe());
        assertTrue(card(provenance).startsWith("# Model v0001 (" + TinyNet.class.getName() + ")"), card(provenance));
    }
}
