package io.ringtrain.jobs.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A COCO "instances" annotation file: {@code images} (id, file_name, width, height),
 * {@code annotations} (id, image_id, category_id, bbox [x, y, w, h] in pixels, iscrowd) and
 * {@code categories} (id, name). The file is read as a stream, one element at a time, so only the
 * fields used are held.
 *
 * <p>Labels are the categories' positions in order of their ids (COCO's ids 1..90 with gaps become
 * 0..79). A box may stick out of its image by up to 1 pixel (COCO's float boxes often do) and is
 * clipped; further out is an error. Boxes with no width or height mark no area and are dropped.
 * {@code iscrowd = 1} boxes are kept with {@code ignore = true}.
 *
 * <p>Image files are looked up, by {@code file_name}, in the first of these folders that holds the
 * first image: the JSON's folder, its {@code images/}, the sibling folder named after the file
 * ({@code annotations/instances_val2017.json} → {@code val2017/}, the COCO download's layout),
 * the sibling {@code images/}.
 */
public final class CocoAnnotations {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private CocoAnnotations() {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CocoImage(Long id, String file_name, Integer width, Integer height) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CocoAnnotation(Long id, Long image_id, Long category_id, double[] bbox, Integer iscrowd) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CocoCategory(Long id, String name) {}

    public static AnnotatedImage.Listing read(String jsonPath, Configuration conf) {
        Path json = new Path(jsonPath);
        List<CocoImage> images = new ArrayList<>();
        List<CocoAnnotation> annotations = new ArrayList<>();
        List<CocoCategory> categories = new ArrayList<>();
        try {
            FileSystem fs = json.getFileSystem(conf);
            if (!fs.exists(json)) throw new IllegalArgumentException("COCO annotation file " + jsonPath + " does not exist");
            if (fs.getFileStatus(json).isDirectory()) {
                throw new IllegalArgumentException(jsonPath + " is a folder; for format coco give the instances JSON file (e.g. annotations/instances_val2017.json)");
            }
            try (InputStream in = fs.open(json); JsonParser p = JSON.getFactory().createParser(in)) {
                if (p.nextToken() != JsonToken.START_OBJECT) throw malformed(jsonPath, "the file is not a JSON object", p.currentLocation());
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "images" -> readArray(p, jsonPath, field, CocoImage.class, images);
                        case "annotations" -> readArray(p, jsonPath, field, CocoAnnotation.class, annotations);
                        case "categories" -> readArray(p, jsonPath, field, CocoCategory.class, categories);
                        default -> p.skipChildren();
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw malformed(jsonPath, e.getOriginalMessage(), e.getLocation());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read COCO annotation file " + jsonPath + ": " + e.getMessage(), e);
        }
        return assemble(jsonPath, json, conf, images, annotations, categories);
    }

    private static <T> void readArray(JsonParser p, String file, String field, Class<T> type, List<T> out) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw malformed(file, "'" + field + "' is not an array", p.currentLocation());
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw malformed(file, field + "[" + out.size() + "] is not an object", p.currentLocation());
            }
            try {
                out.add(p.readValueAs(type));
            } catch (JsonProcessingException e) {
                throw malformed(file, field + "[" + out.size() + "]: " + e.getOriginalMessage(), e.getLocation());
            }
        }
    }

    private static IllegalArgumentException malformed(String file, String what, JsonLocation at) {
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new IllegalArgumentException("COCO annotation file " + file + " is malformed: " + what + where);
    }

    private static AnnotatedImage.Listing assemble(String file, Path json, Configuration conf, List<CocoImage> images, List<CocoAnnotation> annotations,
                                   List<CocoCategory> categories) {
        if (images.isEmpty()) throw new IllegalArgumentException("COCO annotation file " + file + " lists no images");
        TreeMap<Long, String> byId = new TreeMap<>();
        for (int i = 0; i < categories.size(); i++) {
            CocoCategory c = categories.get(i);
            if (c.id() == null) throw new IllegalArgumentException("COCO annotation file " + file + ": categories[" + i + "] has no id");
            byId.put(c.id(), c.name() == null ? Long.toString(c.id()) : c.name());
        }
        Map<Long, Integer> labelOf = new HashMap<>();
        for (long id : byId.keySet()) labelOf.put(id, labelOf.size());
        Map<Long, CocoImage> imageById = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            CocoImage im = images.get(i);
            if (im.id() == null || im.file_name() == null || im.width() == null || im.height() == null) {
                throw new IllegalArgumentException("COCO annotation file " + file + ": images[" + i + "] lacks one of id, file_name, width, height");
            }
            if (imageById.put(im.id(), im) != null) {
                throw new IllegalArgumentException("COCO annotation file " + file + ": image id " + im.id() + " appears twice in images");
            }
        }
        Map<Long, List<CocoAnnotation>> perImage = new HashMap<>();
        for (int i = 0; i < annotations.size(); i++) {
            CocoAnnotation a = annotations.get(i);
            String name = "annotation " + (a.id() == null ? "annotations[" + i + "]" : a.id());
            if (a.image_id() == null || a.category_id() == null || a.bbox() == null || a.bbox().length != 4) {
                throw new IllegalArgumentException("COCO annotation file " + file + ": " + name + " lacks image_id, category_id or a bbox of 4 numbers");
            }
            if (!imageById.containsKey(a.image_id())) {
                throw new IllegalArgumentException("COCO annotation file " + file + ": " + name + " refers to image_id " + a.image_id()
                        + ", which is not in its images list");
            }
            if (!labelOf.containsKey(a.category_id())) {
                throw new IllegalArgumentException("COCO annotation file " + file + ": " + name + " has category_id " + a.category_id()
                        + ", which is not in its categories " + byId.keySet());
            }
            perImage.computeIfAbsent(a.image_id(), k -> new ArrayList<>()).add(a);
        }
        String folder = imageFolder(file, json, conf, imageById.values().iterator().next().file_name());
        Set<String> present = AnnotatedImage.listing(folder, conf);
        List<AnnotatedImage> out = new ArrayList<>(imageById.size());
        for (CocoImage im : imageById.values()) {
            if (!(im.file_name().contains("/") ? AnnotatedImage.exists(new Path(folder, im.file_name()), conf) : present.contains(im.file_name()))) {
                throw new IllegalArgumentException("COCO annotation file " + file + ": image " + im.id() + " (" + im.file_name()
                        + ") is not in the image folder " + folder);
            }
            List<CocoAnnotation> anns = perImage.getOrDefault(im.id(), List.of());
            List<float[]> corners = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            List<Boolean> ignore = new ArrayList<>();
            for (CocoAnnotation a : anns) {
                double[] b = a.bbox();
                if (!(b[2] > 0 && b[3] > 0)) continue; // no area: marks nothing to learn or augment
                double x0 = b[0], y0 = b[1], x1 = b[0] + b[2], y1 = b[1] + b[3];
                if (x0 < -AnnotatedImage.EDGE_TOLERANCE || y0 < -AnnotatedImage.EDGE_TOLERANCE || x1 > im.width() + AnnotatedImage.EDGE_TOLERANCE || y1 > im.height() + AnnotatedImage.EDGE_TOLERANCE) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "COCO annotation file %s: annotation %s of image %s (%d×%d) has bbox [%s, %s, %s, %s] (x, y, w, h), which lies outside the image",
                            file, a.id(), im.file_name(), im.width(), im.height(), b[0], b[1], b[2], b[3]));
                }
                corners.add(new float[] {(float) Math.max(0, x0), (float) Math.max(0, y0), (float) Math.min(im.width(), x1),
                        (float) Math.min(im.height(), y1)});
                labels.add(labelOf.get(a.category_id()));
                ignore.add(a.iscrowd() != null && a.iscrowd() == 1);
            }
            out.add(new AnnotatedImage(im.id(), new Path(folder, im.file_name()).toString(), im.width(), im.height(),
                    AnnotatedImage.objects(corners, labels, ignore)));
        }
        return new AnnotatedImage.Listing(out, new ArrayList<>(byId.values()));
    }

    /** The folder holding the images (see the class comment), found by where {@code firstFile} is. */
    static String imageFolder(String file, Path json, Configuration conf, String firstFile) {
        Path dir = json.getParent();
        String stem = json.getName().replaceFirst("\\.json$", "").replaceFirst("^instances_", "");
        List<Path> candidates = new ArrayList<>(List.of(dir, new Path(dir, "images")));
        if (dir.getParent() != null) {
            candidates.add(new Path(dir.getParent(), stem));
            candidates.add(new Path(dir.getParent(), "images"));
        }
        try {
            FileSystem fs = json.getFileSystem(conf);
            for (Path c : candidates) if (fs.exists(new Path(c, firstFile))) return c.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for the images of " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("cannot find the images of COCO annotation file " + file + ": its first image " + firstFile
                + " is in none of " + candidates + "; put the images in one of these folders");
    }

}
