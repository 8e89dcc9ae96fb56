package io.ringtrain.jobs.data.formats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of data formats: the one list of what {@code --format} and config files accept.
 * Adding a format is one class and one line here; messages list the formats in this order.
 */
public final class DataFormats {
    private static final Map<String, DataFormat> BY_NAME = new LinkedHashMap<>();
    /** The format a training config reads when it names none: idx. */
    public static final DataFormat DEFAULT = new IdxFormat();

    static {
        register(DEFAULT);
        register(new ImageFolderFormat());
        register(new ParquetFormat());
        register(new CocoFormat());
        register(new VocFormat());
        register(TextFormat.TEXT);
        register(TextFormat.PAIRS);
    }

    private DataFormats() {}

    private static void register(DataFormat format) {
        if (BY_NAME.putIfAbsent(format.name(), format) != null) throw new IllegalStateException("two data formats named " + format.name());
    }

    /** The format named {@code name}, if one is registered. */
    public static Optional<DataFormat> find(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
    }

    /** Whether {@code name} is a registered text format. */
    public static boolean isText(String name) {
        return find(name).map(DataFormat::isText).orElse(false);
    }

    /** The image format named {@code name}; any other name fails naming the flag and the image formats. */
    public static ImageFormat image(String name) {
        if (find(name).orElse(null) instanceof ImageFormat image) return image;
        throw new IllegalArgumentException("--format " + name + " is invalid: expected " + alternatives(imageNames()));
    }

    /** Every format's name, in registration order. */
    public static List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(BY_NAME.keySet()));
    }

    /** The image formats' names, in registration order. */
    public static List<String> imageNames() {
        return BY_NAME.values().stream().filter(f -> !f.isText()).map(DataFormat::name).toList();
    }

    /** The text formats' names, in registration order. */
    public static List<String> textNames() {
        return BY_NAME.values().stream().filter(DataFormat::isText).map(DataFormat::name).toList();
    }

    /** "a, b or c". */
    public static String alternatives(List<String> names) {
        if (names.size() == 1) return names.get(0);
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
