package io.ringtrain.jobs.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The declarative layer list: shapes inferred from the input, and errors that name the layer index and parameter. */
class ModelSpecTest {
    private static final String CNN = """
            layers:
              - {type: conv2d, out_channels: 4, kernel_size: 3, padding: 1}
              - {type: batchnorm2d}
              - {type: relu}
              - {type: maxpool2d, kernel_size: 2}
              - {type: dropout, p: 0.1}
              - {type: flatten}
              - {type: linear, out_features: 5}
            """;

    private static String failure(String spec, int[] shape, int classes) {
        return assertThrows(IllegalArgumentException.class, () -> ModelRecipe.ofSpec(spec).requireFits(shape, classes)).getMessage();
    }

    @Test
    void aConvolutionalListInfersEveryInputSizeFromTheImageShape() {
        Module m = ModelSpec.parse(CNN).build(new int[] {1, 8, 8}, 5);
        m.eval();

        assertArrayEquals(new int[] {3, 5}, m.forward(Tensor.zeros(3, 1, 8, 8)).shape());
        assertArrayEquals(new int[] {4, 1, 3, 3}, m.stateDict().get("0.weight").shape());
        assertArrayEquals(new int[] {5, 4 * 4 * 4}, m.stateDict().get("6.weight").shape());
    }

    @Test
    void sequenceLayersReadImageRows() {
        String spec = """
                [{"type": "rows"}, {"type": "lstm", "hidden_size": 6}, {"type": "encoder_layer", "heads": 2, "feedforward": 8},
                 {"type": "mean_steps"}, {"type": "linear", "out_features": 3}]
                """;
        ModelRecipe.ofSpec(spec).requireFits(new int[] {1, 4, 5}, 3);

        Module m = ModelSpec.parse(spec).build(new int[] {1, 4, 5}, 3);
        m.eval();
        assertArrayEquals(new int[] {2, 3}, m.forward(Tensor.zeros(2, 1, 4, 5)).shape());
    }

    @Test
    void anUnknownLayerTypeNamesItsIndex() {
        String message = failure("[{type: relu}, {type: conv3d, out_channels: 2}]", new int[] {1, 4, 4}, 2);

        assertTrue(message.startsWith("model spec layer 1: unknown layer type 'conv3d'"), message);
    }

    @Test
    void aParameterOfTheWrongTypeNamesTheLayerAndTheParameter() {
        String message = failure("[{type: conv2d, out_channels: two, kernel_size: 3}, {type: flatten}, {type: linear, out_features: 2}]",
                new int[] {1, 4, 4}, 2);

        assertTrue(message.startsWith("model spec layer 0 (conv2d): parameter 'out_channels' must be an integer"), message);
    }

    @Test
    void aMissingParameterNamesTheLayerAndTheParameter() {
        String message = failure("[{type: flatten}, {type: linear}]", new int[] {1, 4, 4}, 2);

        assertEquals("model spec layer 1 (linear): parameter 'out_features' is missing (required)", message);
    }

    @Test
    void anUnknownParameterNamesTheLayerAndTheParameter() {
        String message = failure("[{type: flatten}, {type: linear, out_features: 2, units: 4}]", new int[] {1, 4, 4}, 2);

        assertTrue(message.startsWith("model spec layer 1 (linear): unknown parameter 'units'"), message);
    }

    @Test
    void aLayerGivenTheWrongShapeSaysWhatToPutBeforeIt() {
        String message = failure("[{type: linear, out_features: 2}]", new int[] {1, 4, 4}, 2);

        assertTrue(message.startsWith("model spec layer 0 (linear) takes features [F]: put a flatten") && message.contains("[1, 4, 4]"), message);
    }

    @Test
    void aLastLayerOfAnotherWidthThanNumClassesIsRefused() {
        String message = failure("[{type: flatten}, {type: linear, out_features: 3}]", new int[] {1, 4, 4}, 10);

        assertTrue(message.startsWith("model spec maps a batch [2, 1, 4, 4] to [2, 3]") && message.contains("numClasses 10"), message);
    }

    @Test
    void theSavedSpecRebuildsTheSameModel() {
        ModelRecipe recipe = ModelRecipe.ofSpec(CNN);
        ModelRecipe again = ModelRecipe.fromMetadata(recipe.metadata());

        assertEquals(ModelRecipe.SPEC_LABEL, recipe.metadata().get(ModelRecipe.MODEL));
        assertEquals(recipe, again);
        assertEquals(recipe.create(new int[] {1, 8, 8}, 5, 3).stateDict().keySet(), again.create(new int[] {1, 8, 8}, 5, 3).stateDict().keySet());
    }
}
