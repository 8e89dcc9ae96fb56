package io.ringtrain.jobs.models;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.models.usernets.FixedNet;
import io.ringtrain.jobs.models.usernets.NotAModule;
import io.ringtrain.jobs.models.usernets.StringArgNet;
import io.ringtrain.jobs.models.usernets.TinyNet;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's model class: the constructor contract, the checks before training, and what a saved model records. */
class ModelRecipeTest {
    private static final int[] SHAPE = {1, 4, 4};

    private static String failure(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void theShapeAndClassesConstructorIsPreferredAndGetsTheJobsShape() {
        Module m = ModelRecipe.ofClass(TinyNet.class.getName()).create(new int[] {1, 4, 4}, 5, 1);

        assertInstanceOf(TinyNet.class, m);
        assertArrayEquals(new int[] {3, 5}, m.forward(Tensor.zeros(3, 1, 4, 4)).shape());
    }

    @Test
    void aClassWithOnlyANoArgumentConstructorIsBuiltByIt() {
        ModelRecipe recipe = ModelRecipe.ofClass(FixedNet.class.getName());
        recipe.requireFits(SHAPE, 3);

        assertInstanceOf(FixedNet.class, recipe.create(SHAPE, 3, 1));
        assertEquals("()", recipe.metadata().get(ModelRecipe.MODEL_CONSTRUCTOR));
    }

    @Test
    void aMissingClassIsNamedWithTheContractAndTheJarToAdd() {
        String message = failure(() -> ModelRecipe.ofClass("com.acme.MissingNet").requireFits(SHAPE, 3));

        assertTrue(message.contains("com.acme.MissingNet") && message.contains("add the jar") && message.contains(UserModelClass.CONTRACT), message);
    }

    @Test
    void aClassThatIsNotAModuleIsNamedWithTheContract() {
        String message = failure(() -> ModelRecipe.ofClass(NotAModule.class.getName()).requireFits(SHAPE, 3));

        assertTrue(message.contains(NotAModule.class.getName()) && message.contains("not a subclass") && message.contains(UserModelClass.CONTRACT), message);
    }

    @Test
    void aClassWithoutAContractConstructorIsNamedWithTheContract() {
        String message = failure(() -> ModelRecipe.ofClass(StringArgNet.class.getName()).requireFits(SHAPE, 3));

        assertTrue(message.contains(StringArgNet.class.getName()) && message.contains("no public constructor") && message.contains(UserModelClass.CONTRACT),
                message);
    }

    @Test
    void logitsOfAnotherClassCountAreRefusedNamingTheClassAndNumClasses() {
        String message = failure(() -> ModelRecipe.ofClass(FixedNet.class.getName()).requireFits(SHAPE, 10));

        assertTrue(message.contains(FixedNet.class.getName()) && message.contains("[2, 3]") && message.contains("numClasses 10"), message);
    }

    @Test
    void anInputTheModelCannotTakeIsRefusedNamingTheClass() {
        String message = failure(() -> ModelRecipe.ofClass(FixedNet.class.getName()).requireFits(new int[] {3, 8, 8}, 3));

        assertTrue(message.contains(FixedNet.class.getName()) && message.contains("[2, 3, 8, 8]"), message);
    }

    @Test
    void theMetadataRebuildsTheSameModel() {
        ModelRecipe recipe = ModelRecipe.ofClass(TinyNet.class.getName());
        Map<String, String> metadata = recipe.metadata();

        assertEquals(TinyNet.class.getName(), metadata.get(ModelRecipe.MODEL));
        assertEquals("(int[] inputShape, int numClasses)", metadata.get(ModelRecipe.MODEL_CONSTRUCTOR));
        ModelRecipe again = ModelRecipe.fromMetadata(metadata);
        assertEquals(recipe, again);
        assertEquals(recipe.create(SHAPE, 3, 7).stateDict().keySet(), again.create(SHAPE, 3, 7).stateDict().keySet());
    }

    @Test
    void aBuiltInNameInTheMetadataIsABuiltInRecipe() {
        ModelRecipe recipe = ModelRecipe.fromMetadata(Map.of("model", "mlp"));

        assertTrue(recipe.isBuiltIn());
        assertEquals(Map.of("model", "mlp"), recipe.metadata());
    }

    @Test
    void aFactoryIsSavedAndRebuiltAndNamedByItsConstructorReference() {
        ModelRecipe recipe = ModelRecipe.ofFactory(TinyNet::new);
        Map<String, String> metadata = recipe.metadata();

        assertEquals(TinyNet.class.getName() + "::new", metadata.get(ModelRecipe.MODEL));
        ModelRecipe again = ModelRecipe.fromMetadata(metadata);
        assertEquals(recipe, again);
        assertInstanceOf(TinyNet.class, again.create(SHAPE, 3, 1));
    }

    @Test
    void aLambdaFactoryKeepsWhatItCaptures() {
        int hidden = 7;
        ModelFactory factory = (shape, classes) -> new io.ringtrain.engine.nn.Sequential(new io.ringtrain.engine.nn.Flatten(),
                new io.ringtrain.engine.nn.Linear(shape[0] * shape[1] * shape[2], hidden), new io.ringtrain.engine.nn.Linear(hidden, classes));

        Module m = ModelRecipe.fromMetadata(ModelRecipe.ofFactory(factory).metadata()).create(SHAPE, 3, 1);

        assertArrayEquals(new int[] {hidden, 16}, m.stateDict().get("1.weight").shape());
    }

    @Test
    void aFactoryGivingOtherLogitsIsRefusedNamingIt() {
        String message = failure(() -> ModelRecipe.ofFactory((shape, classes) -> new FixedNet()).requireFits(SHAPE, 10));

        assertTrue(message.startsWith("model factory " + ModelRecipeTest.class.getName() + "::lambda$") && message.contains("numClasses 10"), message);
    }

    @Test
    void aFactoryWhoseClassIsMissingAtReloadIsNamedWithTheJarToAdd() {
        Map<String, String> metadata = ModelRecipe.ofFactory(TinyNet::new).metadata();
        ClassLoader saved = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new ClassLoader(saved) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith(ModelRecipeTest.class.getName())) throw new ClassNotFoundException(name); // the capturing class
                return super.loadClass(name, resolve);
            }
        });
        try {
            String message = failure(() -> ModelRecipe.fromMetadata(metadata));

            assertTrue(message.contains(ModelRecipeTest.class.getName()) && message.contains("add the jar"), message);
        } finally {
            Thread.currentThread().setContextClassLoader(saved);
        }
    }
}
