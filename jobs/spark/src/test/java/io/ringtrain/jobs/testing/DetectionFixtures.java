package io.ringtrain.jobs.testing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny real detection data sets written into a test's temporary folder: PNG/JPEG images drawn with
 * javax.imageio (a filled rectangle where each object is) and hand-written annotation files.
 */
public final class DetectionFixtures {
    private DetectionFixtures() {}

    /**
     * The COCO download's layout: {@code root/annotations/instances_mini.json} and {@code root/mini/}
     * holding a.png (48×40) and b.jpg (40×48). Categories 7 dog, 3 cat, 1 bird (labels by id: bird 0,
     * cat 1, dog 2). Image 1: cat [4, 5, 10, 8], dog [20, 10, 24, 20], a crowd of birds [0, 0, 40, 40];
     * image 2: bird [30.5, 2, 10, 6], which sticks out by 0.5 pixel.
     */
    public static Path coco(Path root) throws IOException {
        Files.createDirectories(root.resolve("annotations"));
        Path images = Files.createDirectories(root.resolve("mini"));
        image(images.resolve("a.png"), "png", 48, 40, new int[][] {{4, 5, 14, 13}, {20, 10, 44, 30}});
        image(images.resolve("b.jpg"), "jpg", 40, 48, new int[][] {{30, 2, 40, 8}});
        Path json = root.resolve("annotations/instances_mini.json");
        Files.writeString(json, """
                {"info": {"description": "fixture"},
                 "images": [{"id": 1, "file_name": "a.png", "width": 48, "height": 40},
                            {"id": 2, "file_name": "b.jpg", "width": 40, "height": 48, "license": 3}],
                 "annotations": [
                   {"id": 10, "image_id": 1, "category_id": 3, "bbox": [4, 5, 10, 8], "iscrowd": 0, "area": 80, "segmentation": [[4, 5, 14, 5, 14, 13]]},
                   {"id": 11, "image_id": 1, "category_id": 7, "bbox": [20, 10, 24, 20], "iscrowd": 0},
                   {"id": 12, "image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 40], "iscrowd": 1},
                   {"id": 13, "image_id": 2, "category_id": 1, "bbox": [30.5, 2, 10, 6]}],
                 "categories": [{"id": 7, "name": "dog"}, {"id": 3, "name": "cat"}, {"id": 1, "name": "bird"}]}
                """);
        return json;
    }

    /**
     * A VOC folder: x1.jpg (48×40: dog bndbox 5,6,14,13 and a difficult person 1,1,48,40) in split
     * train, x2.jpg (48×40: cat 2,3,30,40) in split val.
     */
    public static Path voc(Path root) throws IOException {
        Files.createDirectories(root.resolve("Annotations"));
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("ImageSets/Main"));
        image(root.resolve("JPEGImages/x1.jpg"), "jpg", 48, 40, new int[][] {{4, 5, 14, 13}});
        image(root.resolve("JPEGImages/x2.jpg"), "jpg", 48, 40, new int[][] {{1, 2, 30, 40}});
        Files.writeString(root.resolve("Annotations/x1.xml"), vocXml("x1.jpg", 48, 40, """
                <object><name>dog</name><pose>Left</pose><truncated>0</truncated><difficult>0</difficult>
                  <bndbox><xmin>5</xmin><ymin>6</ymin><xmax>14</xmax><ymax>13</ymax></bndbox></object>
                <object><name>person</name><difficult>1</difficult>
                  <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>48</xmax><ymax>40</ymax></bndbox>
                  <part><name>head</name><bndbox><xmin>2</xmin><ymin>2</ymin><xmax>6</xmax><ymax>6</ymax></bndbox></part></object>
                """));
        Files.writeString(root.resolve("Annotations/x2.xml"), vocXml("x2.jpg", 48, 40, """
                <object><name>cat</name><difficult>0</difficult>
                  <bndbox><xmin>2</xmin><ymin>3</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>
                """));
        Files.writeString(root.resolve("ImageSets/Main/train.txt"), "x1\n");
        Files.writeString(root.resolve("ImageSets/Main/val.txt"), "x2\n");
        return root;
    }

    public static String vocXml(String file, int width, int height, String objects) {
        return "<annotation><folder>VOC2007</folder><filename>" + file + "</filename><size><width>" + width + "</width><height>" + height
                + "</height><depth>3</depth></size><segmented>0</segmented>\n" + objects + "</annotation>\n";
    }

    /** A grey image with each box {x0, y0, x1, y1} filled in a light colour. */
    public static void image(Path file, String format, int width, int height, int[][] boxes) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(60, 60, 70));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < boxes.length; i++) {
            g.setColor(Color.getHSBColor(i * 0.3f, 0.6f, 0.95f));
            g.fillRect(boxes[i][0], boxes[i][1], boxes[i][2] - boxes[i][0], boxes[i][3] - boxes[i][1]);
        }
        g.dispose();
        if (!ImageIO.write(img, format, file.toFile())) throw new IOException("no " + format + " writer");
    }
}
