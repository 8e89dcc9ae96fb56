package io.ringtrain.jobs.cli;

import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a closed-set flag value (an enum whose {@code toString()} is the name the flag takes) once,
 * when picocli reads the flag. A name outside the set fails as every bad flag value does (see
 * {@link Failures#reportBadFlag}): one line, "Invalid value for option '--flag': expected a or b,
 * not 'c'", exit code 2. Each enum declares its converter as a subclass naming its values.
 */
abstract class FlagChoices<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
    private final E[] values;

    FlagChoices(E[] values) {
        this.values = values.clone();
    }

    @Override
    public E convert(String name) {
        for (E value : values) {
            if (value.toString().equals(name)) return value;
        }
        throw new CommandLine.TypeConversionException("expected " + alternatives() + ", not '" + name + "'");
    }

    /** "a, b or c", in declaration order. */
    String alternatives() {
        List<String> names = new ArrayList<>();
        for (E value : values) names.add(value.toString());
        return io.ringtrain.jobs.data.formats.DataFormats.alternatives(names);
    }
}
