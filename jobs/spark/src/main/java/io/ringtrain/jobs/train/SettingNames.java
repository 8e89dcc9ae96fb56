package io.ringtrain.jobs.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The one parser of closed training settings (optimizer, schedule, sharding, ...): config files,
 * flags and Spark ML params write them as lower-case names, and a name outside the set fails with
 * the same one line {@link TrainJobConfig#validate} gives for any bad setting.
 */
final class SettingNames {
    private SettingNames() {}

    /** The constant of {@code values} whose {@code toString()} is {@code name}. */
    static <E extends Enum<E>> E parse(E[] values, String key, String name) {
        for (E value : values) {
            if (value.toString().equals(name)) return value;
        }
        throw invalid(key, name, values);
    }

    /** "training setting 'key' = value is invalid: expected a, b or c". */
    static IllegalArgumentException invalid(String key, Object value, Enum<?>[] allowed) {
        return new IllegalArgumentException("training setting '" + key + "' = " + value + " is invalid: expected " + alternatives(allowed));
    }

    /** "a, b or c", in declaration order. */
    static String alternatives(Enum<?>[] allowed) {
        List<String> names = new ArrayList<>();
        for (Enum<?> value : allowed) names.add(value.toString());
        String last = names.remove(names.size() - 1);
        return names.isEmpty() ? last : String.join(", ", names) + " or " + last;
    }
}
