package io.ringtrain.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ringtrain train} on real Spark: a failure inside the replicas' barrier tasks (the peer of
 * the failing replica fails too) still prints one line naming the user's file.
 */
class TrainCommandIT {
    @Test
    void aCorruptJpegInAnImageFolderIsNamedInTheOneErrorLine(@TempDir Path tmp) throws Exception {
        Path folder = tmp.resolve("images");
        for (int label = 0; label < 2; label++) {
            Path dir = Files.createDirectories(folder.resolve(Integer.toString(label)));
            for (int i = 0; i < 8; i++) {
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setSample(i, label * 10, 0, 255);
                ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
            }
        }
        Files.write(folder.resolve("1/broken.jpg"), jpegWithoutImageData());

        StringWriter err = new StringWriter();
        CommandLine cli = RingtrainCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("train", "--master", "local[2]", "--format", "image-folder", "--data", folder.toString(), "--num-classes", "2",
                "--model", "mlp", "--epochs", "1", "--batch-size", "4", "--max-attempts", "2", "--mean", "0.5", "--std", "0.25", // decoded first in the replicas
                "--run-dir", tmp.resolve("run").toString());

        assertEquals(2, code, "a corrupt record is bad input: " + err);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("ringtrain train: ") && err.toString().contains("broken.jpg"), err.toString());
        assertFalse(err.toString().contains("rerun the same command"), "bad input is not retried, nor is a rerun advised: " + err);
        assertFalse(Files.exists(tmp.resolve("run/model.safetensors")));
    }

    /** A real JPEG cut just before its scan (SOS marker): the headers parse, the decoder finds no image data. */
    private static byte[] jpegWithoutImageData() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "jpg", out);
        byte[] jpeg = out.toByteArray();
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) return Arrays.copyOf(jpeg, i);
        }
        throw new IllegalStateException("no SOS marker in the JPEG ImageIO wrote");
    }
}
