package io.ringtrain.jobs.augment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parameters of one spec item, read with typed getters that remember which keys were asked for,
 * so that a key nobody asked for (a typo) is reported instead of silently ignored.
 */
final class SpecArgs {
    private final String where;
    private final String transform;
    private final JsonNode node;
    private final Set<String> known = new LinkedHashSet<>();

    SpecArgs(String where, String transform, JsonNode node) {
        this.where = where;
        this.transform = transform;
        this.node = node;
        known.add("type");
    }

    String where() {
        return where;
    }

    SpecException error(String key, String problem) {
        return new SpecException(where + " (" + transform + "): parameter '" + key + "' " + problem);
    }

    boolean has(String key) {
        known.add(key);
        return node.has(key) && !node.get(key).isNull();
    }

    JsonNode raw(String key) {
        known.add(key);
        return node.get(key);
    }

    double number(String key, double defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw error(key, "must be a number, got " + v);
        }
        return v.asDouble();
    }

    int integer(String key, int defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = node.get(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(key, "must be an integer, got " + v);
        }
        return v.asInt();
    }

    boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw error(key, "must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    String string(String key, String defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw error(key, "must be a string, got " + v);
        }
        return v.asText();
    }

    double[] numbers(String key, double[] defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = node.get(key);
        if (v.isNumber()) {
            return new double[] {v.asDouble()};
        }
        if (!v.isArray()) {
            throw error(key, "must be a number or a list of numbers, got " + v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw error(key, "must be a list of numbers, got " + v);
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    /**
     * A [min, max] range: a list of two numbers, or one number v meaning [center − v, center + v]
     * (clamped below at {@code floor}), as torchvision reads {@code degrees=10} or {@code brightness=0.4}.
     */
    double[] range(String key, double[] defaultValue, double center, double floor) {
        if (!has(key)) {
            return defaultValue;
        }
        double[] v = numbers(key, null);
        if (node.get(key).isNumber()) {
            if (v[0] < 0) {
                throw error(key, "must be >= 0 when given as one number (it means ±value), got " + v[0]);
            }
            return new double[] {Math.max(floor, center - v[0]), center + v[0]};
        }
        if (v.length != 2) {
            throw error(key, "must be one number or [min, max], got " + node.get(key));
        }
        if (!(v[0] <= v[1])) {
            throw error(key, "must be [min, max] with min <= max, got " + node.get(key));
        }
        return v;
    }

    List<JsonNode> list(String key) {
        if (!has(key)) {
            throw error(key, "is required (a list of transforms)");
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            throw error(key, "must be a list of transforms, got " + v);
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    /** Fails if the item has a key no getter asked for. */
    void rejectUnknownKeys() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!known.contains(key)) {
                known.remove("type");
                throw new SpecException(where + " (" + transform + "): unknown parameter '" + key + "'; known parameters: " + String.join(", ", known));
            }
        }
    }
}
