package io.ringtrain.jobs.data.formats;

import io.ringtrain.jobs.train.TrainJobConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void aTrainingConfigWithAnUnknownFormatIsRefusedListingTheRegisteredOnes() {
        TrainJobConfig config = new TrainJobConfig();
        config.data = "somewhere";
        config.format = "tfrecord";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
        assertEquals("training setting 'format' = tfrecord is invalid: expected idx, image-folder, parquet, coco, voc, text or text-pairs", e.getMessage());
        config.format = "parquet";
        config.validate();
        assertFalse(config.trainsOnText());
    }
}
