package io.ringtrain.jobs.models;

import io.ringtrain.allreduce.LocalCommunicator;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.BatchNorm;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.trainer.sync.SyncBatchNorm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelZooTest {
    @Test
    void everyModelClassifiesFashionMnistSizedImages() {
        for (String name : ModelZoo.NAMES) {
            Module m = ModelZoo.create(name, new int[] {1, 28, 28}, 10, 1);
            assertArrayEquals(new int[] {3, 10}, m.forward(Tensor.zeros(3, 1, 28, 28)).shape(), name);
        }
    }

    @Test
    void bertEncoderIsATextPairsClassifierOverItsVocabularyWithClsPlusSeqLenPositions() {
        assertEquals("text-pairs", ModelZoo.textFormatOf("bert-encoder").name());
        assertTrue(ModelZoo.isTextClassifier("bert-encoder") && !ModelZoo.isTextClassifier("seq2seq-transformer"));
        Module m = ModelZoo.createText("bert-encoder", 9, 6, 16, 2, 4, 1);
        assertTrue(m instanceof io.ringtrain.engine.models.BertEncoder);
        Tensor ids = Tensor.of(new float[] {1, 3, 4, 5, 0, 0, 0, /* second */ 1, 8, 8, 8, 8, 8, 8}, 2, 7); // BOS + 6 positions
        assertArrayEquals(new int[] {2, 9}, m.forward(ids).shape(), "one logit per vocabulary token");
        assertEquals(7, m.namedParameters().get("embeddings.position_embeddings.weight").size(0));
        assertEquals(64, m.namedParameters().get("encoder.layers.1.linear1.weight").size(0), "feed-forward 4·hidden");
    }

    @Test
    void theImageModelsTakeColourImagesOfOtherSizes() {
        for (String name : List.of("mlp", "small-resnet", "lstm-classifier", "transformer-classifier")) {
            Module m = ModelZoo.create(name, new int[] {3, 32, 32}, 5, 1);
            assertArrayEquals(new int[] {2, 5}, m.forward(Tensor.zeros(2, 3, 32, 32)).shape(), name);
        }
    }

    @Test
    void theSameSeedBuildsTheSameWeights() {
        for (String name : ModelZoo.NAMES) {
            var a = ModelZoo.create(name, new int[] {1, 28, 28}, 10, 9).stateDict();
            var b = ModelZoo.create(name, new int[] {1, 28, 28}, 10, 9).stateDict();
            a.forEach((k, t) -> assertArrayEquals(t.toArray(), b.get(k).toArray(), name + " " + k));
        }
    }

    /** What the training job does with several replicas: every BatchNorm of ResNet-8, nested ones included, synchronises. */
    @Test
    void syncBatchNormReachesEveryBatchNormOfTheResNet() {
        Module resnet = ModelZoo.create("small-resnet", new int[] {1, 28, 28}, 10, 1);
        try (LocalCommunicator comm = new LocalCommunicator()) {
            // stem 1 + three blocks × 2 + two projection shortcuts × 1
            assertEquals(9, SyncBatchNorm.convert(resnet, comm));
        }
        resnet.namedModules().forEach((path, m) -> {
            if (m instanceof BatchNorm bn) assertNotNull(bn.crossReplica(), path + " is synchronised");
        });
        assertTrue(resnet.namedModules().get("layer2.0.downsample.1") instanceof BatchNorm);
    }

    /** Small images keep their resolution (cifar stem: 3×3 conv1, no max-pool); large ones get torchvision's ImageNet stem, the layout of its weights. */
    @Test
    void theResNetsPickTheirStemByImageSize() {
        Module small = ModelZoo.create("resnet18", new int[] {1, 28, 28}, 10, 1);
        assertArrayEquals(new int[] {64, 1, 3, 3}, small.stateDict().get("conv1.weight").shape());
        assertEquals(11_172_810L, small.parameterCount(), "docs/models.md's count for 1×28×28 and 10 classes");
        assertEquals(23_519_690L, ModelZoo.create("resnet50", new int[] {1, 28, 28}, 10, 1).parameterCount());
        Module edge = ModelZoo.create("resnet18", new int[] {3, 64, 200}, 10, 1);
        assertArrayEquals(new int[] {64, 3, 3, 3}, edge.stateDict().get("conv1.weight").shape(), "64 on the shorter side is still small");
        Module large = ModelZoo.create("resnet50", new int[] {3, 65, 224}, 7, 1);
        assertArrayEquals(new int[] {64, 3, 7, 7}, large.stateDict().get("conv1.weight").shape());
        assertArrayEquals(new int[] {7, 2048}, large.stateDict().get("fc.weight").shape());
    }

    @Test
    void aShapeAModelCannotTakeIsRefusedWithTheReason() {
        var vit = assertThrows(IllegalArgumentException.class, () -> ModelZoo.create("transformer-classifier", new int[] {1, 29, 29}, 10, 1));
        assertTrue(vit.getMessage().contains("transformer-classifier cannot take inputShape [1, 29, 29]")
                && vit.getMessage().contains("patches") && vit.getMessage().contains("resize"), vit.getMessage());
        var cnn = assertThrows(IllegalArgumentException.class, () -> ModelZoo.create("fmnist-cnn", new int[] {3, 32, 32}, 10, 1));
        assertTrue(cnn.getMessage().contains("[1, 28, 28]"), cnn.getMessage());
        var flat = assertThrows(IllegalArgumentException.class, () -> ModelZoo.create("small-resnet", new int[] {784}, 10, 1));
        assertTrue(flat.getMessage().contains("[channels, height, width]"), flat.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> ModelZoo.create("resnet-50", new int[] {1, 28, 28}, 10, 1));
        assertTrue(unknown.getMessage().contains("small-resnet"), unknown.getMessage());
    }
}
