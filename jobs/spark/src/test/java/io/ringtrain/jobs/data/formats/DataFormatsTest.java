package io.ringtrain.jobs.data.formats;

import io.ringtrain.jobs.train.InputSettings;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataFormatsTest {
    @Test
    void theRegistryListsEveryFormatOnceImagesBeforeText() {
        assertEquals(List.of("idx", "image-folder", "parquet", "coco", "voc", "text", "text-pairs"), DataFormats.names());
        assertEquals(List.of("idx", "image-folder", "parquet", "coco", "voc"), DataFormats.imageNames());
        assertEquals(List.of("text", "text-pairs"), DataFormats.textNames());
        for (String name : DataFormats.names()) assertEquals(name, DataFormats.find(name).orElseThrow().name());
    }

    @Test
    void textFormatsAreNotImageFormatsAndUnknownNamesAreNeither() {
        assertTrue(DataFormats.isText("text-pairs"));
        assertFalse(DataFormats.isText("parquet"));
        assertFalse(DataFormats.isText("tfrecord"));
        assertFalse(DataFormats.isText(null));
        assertEquals("voc", DataFormats.image("voc").name());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class, () -> DataFormats.image("text"));
        assertEquals("--format text is invalid: expected idx, image-folder, parquet, coco or voc", text.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataFormats.image("tfrecord"));
    }

    @Test
    void aTrainingConfigWithAnUnknownFormatIsRefusedListingTheRegisteredOnes() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputSettings.format("tfrecord"));
        assertEquals("training setting 'format' = tfrecord is invalid: expected idx, image-folder, parquet, coco, voc, text or text-pairs", e.getMessage());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var file = assertThrows(com.fasterxml.jackson.databind.JsonMappingException.class, () -> json.readValue("{\"format\":\"tfrecord\"}", TrainJobConfig.class));
        assertTrue(file.getMessage().contains(e.getMessage()), file.getMessage());
        TrainJobConfig config = json.readValue("{\"format\":\"parquet\",\"data\":\"somewhere\"}", TrainJobConfig.class);
        assertEquals(DataFormats.find("parquet").orElseThrow(), config.input.format);
        config.validate();
        assertFalse(config.trainsOnText());
        assertEquals("parquet", json.valueToTree(config).path("format").asText(), "written as its name");
        TrainJobConfig missing = json.readValue("{\"format\":null,\"data\":\"somewhere\"}", TrainJobConfig.class);
        e = assertThrows(IllegalArgumentException.class, missing::validate);
        assertEquals("training setting 'format' = null is invalid: expected idx, image-folder, parquet, coco, voc, text or text-pairs", e.getMessage());
    }

    @Test
    void formatsAnswerWhatCallersUsedToAskOfTheirNames() {
        assertTrue(TextFormat.TEXT.windows(), "text: windows of one text, for language models");
        assertFalse(TextFormat.PAIRS.windows(), "text-pairs: padded source/target pairs");
        assertEquals("data/x (train split)", DataFormats.image("idx").describe("data/x", true));
        assertEquals("data/x", DataFormats.image("parquet").describe("data/x", true));
        assertEquals(null, DataFormats.image("parquet").layoutClassNames(null, "data/x"), "only image-folder names classes by its layout");
    }

    /** Tasks receive the settings by Java serialisation; a format comes back as the registered instance. */
    @Test
    void aFormatSurvivesJavaSerialisationAsTheRegisteredInstance() throws Exception {
        for (String name : DataFormats.names()) {
            DataFormat format = DataFormats.find(name).orElseThrow();
            var bytes = new java.io.ByteArrayOutputStream();
            try (var out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(format);
            }
            try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                assertSame(format, in.readObject(), name);
            }
        }
    }
}
