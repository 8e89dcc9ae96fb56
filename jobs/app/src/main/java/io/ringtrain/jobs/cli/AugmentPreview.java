package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.augment.Augmentation;
import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.boxes.BoxFilter;
import io.ringtrain.jobs.augment.boxes.BoxFormat;
import io.ringtrain.jobs.augment.boxes.Boxes;
import io.ringtrain.jobs.augment.spec.AugmentSpec;
import io.ringtrain.jobs.data.AnnotatedImage;
import io.ringtrain.jobs.data.CocoAnnotations;
import io.ringtrain.jobs.data.VocAnnotations;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes a PNG grid so that a user can see what a pipeline does before training: one row per sample,
 * the first column the original, then K augmentations of it: augmentation k is what the sample gets in
 * epoch k (same job seed and record id), so the grid shows exactly the variety training will see.
 * Boxes are drawn in a colour per label, with the label's name.
 *
 * <p>Data: a Fashion-MNIST/MNIST IDX image file ({@code *-images-idx3-ubyte.gz}; the labels file
 * beside it names the classes, and each sample gets a box around its object: the pixels brighter than
 * 30), or a folder of PNG/JPEG images (no boxes). Usage:
 * <pre>
 *   AugmentPreview --data data/fashion-mnist/t10k-images-idx3-ubyte.gz --out preview.png
 *                  [--augment augment.yaml] [--samples 6] [--augmentations 8] [--seed 0] [--cell 96]
 * </pre>
 */
public final class AugmentPreview {
    /** Gap between cells, in pixels. */
    public static final int GAP = 4;

    static final String[] FASHION_MNIST_CLASSES = {
        "T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    /** The pipeline shown when no spec is given: geometric and pixel transforms that suit small grey images. */
    public static final String DEFAULT_SPEC = """
            boxes: {min_visibility: 0.3}
            transforms:
              - {type: resize, size: 56}
              - {type: random_resized_crop, size: 56, scale: [0.6, 1.0]}
              - {type: horizontal_flip}
              - {type: jitter, degrees: 15, translate: [0.08, 0.08], scale: [0.9, 1.1], shear: 8}
              - {type: rotate, degrees: 30, interpolation: bilinear, p: 0.3}
              - type: one_of
                p: 0.6
                transforms:
                  - {type: gaussian_blur, sigma: [0.5, 1.2]}
                  - {type: gaussian_noise, sigma: [6, 16]}
                  - {type: salt_and_pepper, amount: 0.03}
              - {type: contrast, factor: 0.4}
              - {type: brightness, factor: 0.3}
            """;

    /** One labelled input; {@code classNames} (may be null) names each box by its label, else every box is called {@code name}. */
    public record Item(Sample sample, String name, List<String> classNames) {
        public Item(Sample sample, String name) {
            this(sample, name, null);
        }

        String nameOf(int label) {
            return classNames != null && label >= 0 && label < classNames.size() ? classNames.get(label) : name;
        }
    }

    private AugmentPreview() {
    }

    /** The same as {@code ringtrain augment-preview} (one parser: {@link AugmentPreviewCommand}). */
    public static void main(String[] args) {
        AugmentPreviewCommand.main(args);
    }

    /** Loads {@code samples} items from {@code data}, renders the grid and writes it as PNG. */
    public static BufferedImage write(Path data, AugmentSpec spec, int samples, int augmentations, long seed, int cell, Path out)
            throws IOException {
        if (samples <= 0 || augmentations <= 0 || cell <= 0) {
            throw new IllegalArgumentException("samples, augmentations and cell must be positive, got " + samples + ", " + augmentations + ", " + cell);
        }
        List<Item> items = load(data, samples, spec.boxFilter());
        BufferedImage grid = render(items, new Augmentation(spec.pipeline(), seed), augmentations, cell);
        io.ringtrain.engine.io.AtomicFiles.write(out, png -> { // ImageIO's stream caches and flushes into png itself
            if (!ImageIO.write(grid, "png", png)) throw new IOException("no PNG writer available to write " + out);
        });
        return grid;
    }

    /** Width and height of a grid of {@code rows} × ({@code 1 + augmentations}) cells. */
    public static int[] gridSize(int rows, int augmentations, int cell) {
        return new int[] {GAP + (1 + augmentations) * (cell + GAP), GAP + rows * (cell + GAP)};
    }

    public static BufferedImage render(List<Item> items, Augmentation augmentation, int augmentations, int cell) {
        int[] size = gridSize(items.size(), augmentations, cell);
        BufferedImage grid = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(new Color(40, 40, 48));
        g.fillRect(0, 0, size[0], size[1]);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, cell / 9)));
        for (int row = 0; row < items.size(); row++) {
            Item item = items.get(row);
            int y = GAP + row * (cell + GAP);
            drawCell(g, item.sample(), item, GAP, y, cell);
            for (int k = 0; k < augmentations; k++) {
                Sample augmented = augmentation.apply(item.sample(), k, row);
                drawCell(g, augmented, item, GAP + (k + 1) * (cell + GAP), y, cell);
            }
        }
        g.dispose();
        return grid;
    }

    private static void drawCell(Graphics2D g, Sample sample, Item item, int x, int y, int cell) {
        Image img = displayable(sample.image());
        double scale = (double) cell / Math.max(img.width(), img.height());
        int w = (int) Math.round(img.width() * scale);
        int h = (int) Math.round(img.height() * scale);
        int ox = x + (cell - w) / 2;
        int oy = y + (cell - h) / 2;
        g.drawImage(img.toBufferedImage(), ox, oy, w, h, null);
        Boxes boxes = sample.boxes();
        g.setStroke(new BasicStroke(Math.max(1f, cell / 64f)));
        for (int b = 0; b < boxes.count(); b++) {
            double[] v = boxes.voc(b);
            Color colour = Color.getHSBColor((boxes.label(b) * 0.618034f) % 1f, 0.9f, 1f);
            g.setColor(colour);
            int bx = ox + (int) Math.round(v[0] * scale);
            int by = oy + (int) Math.round(v[1] * scale);
            int bw = Math.max(1, (int) Math.round((v[2] - v[0]) * scale) - 1);
            int bh = Math.max(1, (int) Math.round((v[3] - v[1]) * scale) - 1);
            g.drawRect(bx, by, bw, bh);
            String name = item.nameOf(boxes.label(b));
            if (name != null) {
                g.drawString(name, bx + 2, Math.max(oy + g.getFontMetrics().getAscent(), by - 2 + g.getFontMetrics().getAscent()));
            }
        }
    }

    /** Normalised images leave 0..255: stretch their range back for display. */
    private static Image displayable(Image img) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : img.data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (min >= 0 && max <= 255) {
            return img;
        }
        float[] out = new float[img.data().length];
        float scale = max > min ? 255f / (max - min) : 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = (img.data()[i] - min) * scale;
        }
        return Image.wrapChw(img.channels(), img.width(), img.height(), out);
    }

    /** The first {@code count} items of an IDX image file, a COCO instances JSON, a Pascal VOC folder or an image folder. */
    public static List<Item> load(Path data, int count, BoxFilter filter) throws IOException {
        if (Files.isDirectory(data.resolve("Annotations"))) {
            return loadAnnotated(VocAnnotations.read(data.toString(), null, new org.apache.hadoop.conf.Configuration()), count, filter);
        }
        if (data.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            return loadAnnotated(CocoAnnotations.read(data.toString(), new org.apache.hadoop.conf.Configuration()), count, filter);
        }
        if (Files.isDirectory(data)) {
            return loadFolder(data, count);
        }
        if (!Files.isRegularFile(data)) {
            throw new IOException("preview data " + data + " does not exist: give an IDX images file (.gz) or a folder of images");
        }
        return loadIdx(data, count, filter);
    }

    /** Detection data: the first images of the listing with their annotated boxes, named by class. */
    private static List<Item> loadAnnotated(AnnotatedImage.Listing listing, int count, BoxFilter filter) throws IOException {
        List<Item> items = new ArrayList<>();
        for (var annotated : listing.images().subList(0, Math.min(count, listing.images().size()))) {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(annotated.path());
            BufferedImage img;
            try (InputStream in = p.getFileSystem(new org.apache.hadoop.conf.Configuration()).open(p)) {
                img = ImageIO.read(in);
            }
            if (img == null) {
                throw new IOException("cannot decode " + annotated.path());
            }
            Image image = Image.fromBufferedImage(img, 3);
            items.add(new Item(new Sample(image, annotated.objects().toBoxes(image.size(), filter)), null, listing.classes()));
        }
        return items;
    }

    private static List<Item> loadFolder(Path dir, int count) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
            }).sorted().limit(count).toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no .png/.jpg images in " + dir);
        }
        List<Item> items = new ArrayList<>();
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new IOException("cannot decode " + f);
            }
            items.add(new Item(Sample.of(Image.fromBufferedImage(img, 3)), null));
        }
        return items;
    }

    private static List<Item> loadIdx(Path imagesFile, int count, BoxFilter filter) throws IOException {
        List<Item> items = new ArrayList<>();
        int[] labels = readIdxLabels(imagesFile, count);
        io.ringtrain.jobs.data.IdxReader.IdxArray images;
        try (InputStream in = Files.newInputStream(imagesFile)) {
            images = io.ringtrain.jobs.data.IdxReader.readFirstImages(in, imagesFile.toString(), count);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        for (int i = 0; i < images.count(); i++) {
            byte[] pixels = java.util.Arrays.copyOfRange(images.values(), i * rows * cols, (i + 1) * rows * cols);
            Image img = Image.fromHwcBytes(pixels, cols, rows, 1);
            double[] box = objectBox(pixels, cols, rows);
            int label = labels == null ? 0 : labels[i];
            String name = labels == null ? "object" : (label < FASHION_MNIST_CLASSES.length ? FASHION_MNIST_CLASSES[label] : Integer.toString(label));
            Boxes boxes = box == null ? Boxes.none()
                    : Boxes.of(BoxFormat.PASCAL_VOC, img.size(), new double[][] {box}, new int[] {label}, filter);
            items.add(new Item(new Sample(img, boxes), name));
        }
        return items;
    }

    /** The labels file beside an images file ({@code X-images-idx3-ubyte.gz} → {@code X-labels-idx1-ubyte.gz}), or null when there is none that reads as labels. */
    private static int[] readIdxLabels(Path imagesFile, int count) throws IOException {
        Path labelsFile = imagesFile.resolveSibling(imagesFile.getFileName().toString().replace("images-idx3", "labels-idx1"));
        if (labelsFile.equals(imagesFile) || !Files.exists(labelsFile)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(labelsFile)) {
            return io.ringtrain.jobs.data.IdxReader.readFirstLabels(in, labelsFile.toString(), count);
        } catch (IllegalArgumentException e) {
            return null; // a preview without class names rather than none
        }
    }

    /** The tight box around the pixels brighter than 30, in pascal_voc; null for a blank image. */
    static double[] objectBox(byte[] pixels, int w, int h) {
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((pixels[y * w + x] & 0xFF) > 30) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : new double[] {x0, y0, x1 + 1, y1 + 1};
    }
}
