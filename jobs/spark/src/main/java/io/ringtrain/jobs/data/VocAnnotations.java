package io.ringtrain.jobs.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Pascal VOC folder ({@code VOCdevkit/VOC2007}): {@code Annotations/<id>.xml} (filename,
 * size/width/height, objects with name, difficult and bndbox xmin, ymin, xmax, ymax),
 * {@code JPEGImages/} and optionally {@code ImageSets/Main/<split>.txt} listing the ids of a split.
 *
 * <p>VOC's bndbox values are 1-based inclusive pixel indices; they become continuous corners
 * (xmin − 1, ymin − 1, xmax, ymax), the convention torchvision and Detectron use. A box may stick out
 * by up to 1 pixel (tools that write 0-based values) and is clipped; further out is an error.
 * Labels are positions in {@code classes.txt} in the folder (one name per line) when it exists,
 * else in the 20 VOC classes in their usual (alphabetical) order. {@code difficult = 1} objects are
 * kept with {@code ignore = true}.
 *
 * <p>The XML parser refuses DOCTYPE declarations, so no external entity or DTD is ever fetched.
 */
public final class VocAnnotations {
    /** The 20 Pascal VOC classes, in the devkit's order. */
    public static final List<String> VOC_CLASSES = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair",
            "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor");

    private VocAnnotations() {}

    /** The split a VOC folder trains on: trainval when it has a test split (VOC2007), else train when it has val, else every annotation. */
    public static String trainSplit(String folder, Configuration conf) {
        if (hasSplit(folder, "test", conf)) return "trainval";
        if (hasSplit(folder, "val", conf)) return "train";
        return null;
    }

    /** The split a VOC folder is tested on: test, else val, else none (null). */
    public static String testSplit(String folder, Configuration conf) {
        if (hasSplit(folder, "test", conf)) return "test";
        if (hasSplit(folder, "val", conf)) return "val";
        return null;
    }

    static boolean hasSplit(String folder, String split, Configuration conf) {
        return AnnotatedImage.exists(new Path(folder, "ImageSets/Main/" + split + ".txt"), conf);
    }

    /** The annotated images of {@code split} (every XML in Annotations/ when null), and the class names in label order. */
    public static AnnotatedImage.Listing read(String folder, String split, Configuration conf) {
        Path root = new Path(folder);
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(new Path(root, "Annotations"))) {
                throw new IllegalArgumentException("VOC folder " + folder + " has no Annotations/ folder (expected Annotations/*.xml and JPEGImages/)");
            }
            List<String> classes = classes(folder, fs);
            Map<String, Integer> labelOf = new HashMap<>();
            for (String c : classes) labelOf.put(c, labelOf.size());
            List<String> ids = split == null ? allIds(root, fs) : splitIds(root, split, fs);
            if (ids.isEmpty()) throw new IllegalArgumentException("VOC folder " + folder + " lists no images" + (split == null ? "" : " in split " + split));
            Set<String> images = AnnotatedImage.listing(new Path(root, "JPEGImages").toString(), conf);
            DocumentBuilder xml = safeBuilder();
            List<AnnotatedImage> out = new ArrayList<>(ids.size());
            for (String id : ids) {
                Path file = new Path(root, "Annotations/" + id + ".xml");
                String name = "Annotations/" + id + ".xml";
                if (!fs.exists(file)) {
                    throw new IllegalArgumentException("VOC folder " + folder + ": " + (split == null ? "" : "ImageSets/Main/" + split + ".txt lists " + id + " but ")
                            + name + " does not exist");
                }
                Document doc;
                try (InputStream in = fs.open(file)) {
                    doc = xml.parse(in, file.toString());
                } catch (SAXParseException e) {
                    throw new IllegalArgumentException("VOC annotation " + file + " is not well-formed XML: " + e.getMessage()
                            + " (line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ")", e);
                } catch (SAXException e) {
                    throw new IllegalArgumentException("VOC annotation " + file + " is not well-formed XML: " + e.getMessage(), e);
                }
                out.add(image(doc.getDocumentElement(), file.toString(), id, root, images, labelOf, classesSource(folder, fs)));
            }
            return new AnnotatedImage.Listing(out, classes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read VOC folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private static AnnotatedImage image(Element annotation, String file, String id, Path root, Set<String> images, Map<String, Integer> labelOf,
                                        String classesSource) {
        String fileName = optionalText(annotation, "filename");
        if (fileName == null) fileName = id + ".jpg";
        if (!images.contains(fileName)) {
            throw new IllegalArgumentException("VOC annotation " + file + " names image " + fileName + ", which is not in " + new Path(root, "JPEGImages"));
        }
        Element size = child(annotation, "size", file, "annotation");
        int width = (int) number(size, "width", file, "size");
        int height = (int) number(size, "height", file, "size");
        List<float[]> corners = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Boolean> ignore = new ArrayList<>();
        NodeList objects = annotation.getElementsByTagName("object");
        for (int i = 0; i < objects.getLength(); i++) {
            Element object = (Element) objects.item(i);
            if (object.getParentNode() != annotation) continue; // <part> elements nest objects' body parts, not objects
            String where = "object[" + corners.size() + "]";
            String cls = optionalText(object, "name");
            if (cls == null) throw new IllegalArgumentException("VOC annotation " + file + ": " + where + " has no <name>");
            Integer label = labelOf.get(cls.trim());
            if (label == null) {
                throw new IllegalArgumentException("VOC annotation " + file + ": " + where + " has class '" + cls.trim() + "', which is not in "
                        + classesSource + "; list every class, one per line, in classes.txt in the VOC folder");
            }
            Element box = child(object, "bndbox", file, where);
            double xmin = number(box, "xmin", file, where + "/bndbox"), ymin = number(box, "ymin", file, where + "/bndbox");
            double xmax = number(box, "xmax", file, where + "/bndbox"), ymax = number(box, "ymax", file, where + "/bndbox");
            double x0 = xmin - 1, y0 = ymin - 1;
            double tol = AnnotatedImage.EDGE_TOLERANCE;
            if (x0 < -tol || y0 < -tol || xmax > width + tol || ymax > height + tol || !(xmax > x0 && ymax > y0)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "VOC annotation %s: %s bndbox (xmin %s, ymin %s, xmax %s, ymax %s) lies outside the %d×%d image or has no area",
                        file, where, xmin, ymin, xmax, ymax, width, height));
            }
            corners.add(new float[] {(float) Math.max(0, x0), (float) Math.max(0, y0), (float) Math.min(width, xmax), (float) Math.min(height, ymax)});
            labels.add(label);
            String difficult = optionalText(object, "difficult");
            ignore.add(difficult != null && difficult.trim().equals("1"));
        }
        return new AnnotatedImage(AnnotatedImage.idOf(fileName), new Path(root, "JPEGImages/" + fileName).toString(), width, height,
                AnnotatedImage.objects(corners, labels, ignore));
    }

    /** A DOM parser that refuses DOCTYPE declarations (hence external entities and DTDs) and XInclude. */
    static DocumentBuilder safeBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks the features that make it safe for untrusted files", e);
        }
    }

    private static List<String> classes(String folder, FileSystem fs) throws IOException {
        Path file = new Path(folder, "classes.txt");
        if (!fs.exists(file)) return VOC_CLASSES;
        List<String> names = new ArrayList<>();
        for (String line : lines(fs, file)) if (!line.isBlank()) names.add(line.trim());
        if (names.isEmpty()) throw new IllegalArgumentException(file + " lists no classes; write one class name per line");
        return names;
    }

    private static String classesSource(String folder, FileSystem fs) throws IOException {
        Path file = new Path(folder, "classes.txt");
        return fs.exists(file) ? file.toString() : "the 20 Pascal VOC classes";
    }

    private static List<String> splitIds(Path root, String split, FileSystem fs) throws IOException {
        Path file = new Path(root, "ImageSets/Main/" + split + ".txt");
        if (!fs.exists(file)) throw new IllegalArgumentException("VOC folder " + root + " has no split " + split + " (" + file + " does not exist)");
        List<String> ids = new ArrayList<>();
        for (String line : lines(fs, file)) if (!line.isBlank()) ids.add(line.trim().split("\\s+")[0]);
        return ids;
    }

    private static List<String> allIds(Path root, FileSystem fs) throws IOException {
        TreeSet<String> ids = new TreeSet<>();
        for (FileStatus s : fs.listStatus(new Path(root, "Annotations"))) {
            String n = s.getPath().getName();
            if (s.isFile() && n.endsWith(".xml")) ids.add(n.substring(0, n.length() - 4));
        }
        return new ArrayList<>(ids);
    }

    private static List<String> lines(FileSystem fs, Path file) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    private static Element child(Element parent, String tag, String file, String where) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) return e;
        }
        throw new IllegalArgumentException("VOC annotation " + file + ": " + where + " has no <" + tag + ">");
    }

    private static String optionalText(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) return e.getTextContent();
        }
        return null;
    }

    private static double number(Element parent, String tag, String file, String where) {
        String text = child(parent, tag, file, where).getTextContent().trim();
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VOC annotation " + file + ": " + where + "/" + tag + " is '" + text + "', not a number");
        }
    }
}
