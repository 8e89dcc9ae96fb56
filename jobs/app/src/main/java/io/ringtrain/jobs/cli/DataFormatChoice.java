package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.data.formats.DataFormat;
import io.ringtrain.jobs.data.formats.DataFormats;
import picocli.CommandLine;

/**
 * Parses {@code --format} once, when picocli reads the flag, into the registered {@link DataFormat}.
 * An unregistered name fails as every bad flag value does: one line, "Invalid value for option
 * '--format': expected idx, image-folder, ... or text-pairs, not 'x'", exit code 2.
 */
final class DataFormatChoice implements CommandLine.ITypeConverter<DataFormat> {
    @Override
    public DataFormat convert(String name) {
        return DataFormats.find(name).orElseThrow(() ->
                new CommandLine.TypeConversionException("expected " + DataFormats.alternatives(DataFormats.names()) + ", not '" + name + "'"));
    }
}
