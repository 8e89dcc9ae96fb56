package io.ringtrain.jobs.data;

import io.ringtrain.jobs.testing.DetectionFixtures;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pascal VOC folders: what is read, the errors for what cannot be, and no external entities. */
class VocAnnotationsTest {
    private static final Configuration CONF = new Configuration();

    @Test
    void readsASplitWithOneBasedCornersMadeContinuousAndDifficultFlags(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));

        AnnotatedImage.Listing train = VocAnnotations.read(voc.toString(), "train", CONF);

        assertEquals(1, train.images().size(), "train.txt lists x1 only");
        AnnotatedImage x1 = train.images().get(0);
        assertTrue(x1.path().endsWith("JPEGImages/x1.jpg"), x1.path());
        assertArrayEquals(new float[] {4, 5, 14, 13, 0, 0, 48, 40}, x1.objects().corners(), "xmin − 1, ymin − 1, xmax, ymax; <part> boxes are not objects");
        assertArrayEquals(new int[] {VocAnnotations.VOC_CLASSES.indexOf("dog"), VocAnnotations.VOC_CLASSES.indexOf("person")}, x1.objects().labels());
        assertArrayEquals(new boolean[] {false, true}, x1.objects().ignore());
        assertEquals(VocAnnotations.VOC_CLASSES.indexOf("dog"), x1.objects().largestLabel(), "the difficult person does not count");
        assertEquals(2, VocAnnotations.read(voc.toString(), null, CONF).images().size(), "no split: every annotation");
        assertEquals("train", VocAnnotations.trainSplit(voc.toString(), CONF), "a folder with val trains on train");
        assertEquals("val", VocAnnotations.testSplit(voc.toString(), CONF));
    }

    @Test
    void classesTxtDefinesTheLabels(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));
        Files.writeString(voc.resolve("classes.txt"), "person\ncat\ndog\n");
        assertArrayEquals(new int[] {2, 0}, VocAnnotations.read(voc.toString(), "train", CONF).images().get(0).objects().labels());
    }

    @Test
    void aDoctypeWithAnExternalEntityIsRefusedAndNothingIsRead(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET-VALUE");
        Files.writeString(voc.resolve("Annotations/x1.xml"), "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [<!ENTITY leak SYSTEM \""
                + secret.toUri() + "\">]>\n" + DetectionFixtures.vocXml("x1.jpg", 48, 40, "<object><name>&leak;</name></object>"));

        Exception e = assertThrows(IllegalArgumentException.class, () -> VocAnnotations.read(voc.toString(), "train", CONF));

        assertTrue(e.getMessage().contains("x1.xml is not well-formed XML") && e.getMessage().contains("DOCTYPE"), e.getMessage());
        assertFalse(e.getMessage().contains("TOP-SECRET-VALUE"), "the entity was never expanded");
    }

    @Test
    void malformedXmlNamesTheFileAndLine(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));
        Files.writeString(voc.resolve("Annotations/x1.xml"), "<annotation>\n<filename>x1.jpg</filename>\n<size><width>48</width></annotation>");
        Exception e = assertThrows(IllegalArgumentException.class, () -> VocAnnotations.read(voc.toString(), "train", CONF));
        assertTrue(e.getMessage().contains("x1.xml is not well-formed XML") && e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void aMissingElementIsNamedByItsPath(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));
        Files.writeString(voc.resolve("Annotations/x2.xml"), DetectionFixtures.vocXml("x2.jpg", 48, 40,
                "<object><name>cat</name><bndbox><xmin>2</xmin><ymin>3</ymin><ymax>40</ymax></bndbox></object>"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> VocAnnotations.read(voc.toString(), "val", CONF));
        assertTrue(e.getMessage().contains("x2.xml: object[0]/bndbox has no <xmax>"), e.getMessage());
    }

    @Test
    void anUnknownClassSaysWhereClassesComeFrom(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));
        Files.writeString(voc.resolve("Annotations/x2.xml"), Files.readString(voc.resolve("Annotations/x2.xml")).replace(">cat<", ">dragon<"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> VocAnnotations.read(voc.toString(), "val", CONF));
        assertTrue(e.getMessage().contains("object[0] has class 'dragon'") && e.getMessage().contains("the 20 Pascal VOC classes")
                && e.getMessage().contains("classes.txt"), e.getMessage());
    }

    @Test
    void aBoxOutsideItsImageIsNamed(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));
        Files.writeString(voc.resolve("Annotations/x2.xml"), Files.readString(voc.resolve("Annotations/x2.xml")).replace("<xmax>30<", "<xmax>60<"));
        Exception e = assertThrows(IllegalArgumentException.class, () -> VocAnnotations.read(voc.toString(), "val", CONF));
        assertTrue(e.getMessage().contains("x2.xml: object[0] bndbox (xmin 2.0, ymin 3.0, xmax 60.0, ymax 40.0) lies outside the 48×40 image"),
                e.getMessage());
    }

    @Test
    void aSplitListingAMissingAnnotationOrImageIsNamed(@TempDir Path tmp) throws IOException {
        Path voc = DetectionFixtures.voc(tmp.resolve("VOC"));
        Files.writeString(voc.resolve("ImageSets/Main/val.txt"), "x2\nx3\n");
        Exception missingXml = assertThrows(IllegalArgumentException.class, () -> VocAnnotations.read(voc.toString(), "val", CONF));
        assertTrue(missingXml.getMessage().contains("val.txt lists x3 but Annotations/x3.xml does not exist"), missingXml.getMessage());

        Files.delete(voc.resolve("JPEGImages/x1.jpg"));
        Exception missingImage = assertThrows(IllegalArgumentException.class, () -> VocAnnotations.read(voc.toString(), "train", CONF));
        assertTrue(missingImage.getMessage().contains("names image x1.jpg, which is not in"), missingImage.getMessage());
    }
}
