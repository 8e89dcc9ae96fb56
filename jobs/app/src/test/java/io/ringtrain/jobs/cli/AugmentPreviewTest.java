package io.ringtrain.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrain.jobs.augment.spec.AugmentSpec;
import io.ringtrain.jobs.testing.TestData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AugmentPreviewTest {
    @Test
    void commandWritesAPngGridOfSamplesByAugmentationsWithBoxes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("preview.png");
        int rc = new CommandLine(new AugmentPreviewCommand()).execute("--data", TestData.fullFashionMnist().resolve("t10k-images-idx3-ubyte.gz").toString(),
                "--out", out.toString(), "--samples", "3", "--augmentations", "4", "--cell", "64");
        assertEquals(0, rc);
        BufferedImage png = ImageIO.read(out.toFile());
        int[] expected = AugmentPreview.gridSize(3, 4, 64);
        assertEquals(expected[0], png.getWidth(), "width: gap + 5 columns × (64 + gap)");
        assertEquals(expected[1], png.getHeight(), "height: gap + 3 rows × (64 + gap)");
        Set<Integer> colours = new HashSet<>();
        int saturated = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                int rgb = png.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 100) {
                    saturated++; // grey images: only drawn boxes and labels are coloured
                }
            }
        }
        assertTrue(colours.size() > 100, "the grid shows images, not a blank canvas: " + colours.size() + " colours");
        assertTrue(saturated > 15 * 64, "boxes are drawn: " + saturated + " coloured pixels");
    }

    @Test
    void imageFolderWithANormalisingSpecRendersToo(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectory(dir.resolve("images"));
        for (int i = 0; i < 2; i++) {
            BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40; x++) {
                    img.setRGB(x, y, (x * 6 << 16) | (y * 8 << 8) | (i * 100));
                }
            }
            ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
        }
        AugmentSpec spec = AugmentSpec.parse("- {type: random_resized_crop, width: 32, height: 24}\n- {type: hue, factor: 0.3}\n"
                + "- {type: normalize, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}");
        Path out = dir.resolve("grid.png");
        AugmentPreview.write(images, spec, 5, 3, 7, 48, out);
        BufferedImage png = ImageIO.read(out.toFile());
        int[] expected = AugmentPreview.gridSize(2, 3, 48);
        assertEquals(expected[0], png.getWidth());
        assertEquals(expected[1], png.getHeight(), "only 2 images in the folder: 2 rows");
    }
}
