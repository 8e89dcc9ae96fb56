package io.ringtrain.jobs.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a command's config file: YAML for .yml/.yaml, JSON otherwise; unknown keys are errors naming the key. */
final class ConfigFiles {
    private ConfigFiles() {}

    static <T> T read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("config file " + file + " does not exist");
        String name = file.getFileName().toString().toLowerCase();
        ObjectMapper mapper = name.endsWith(".yml") || name.endsWith(".yaml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return mapper.readValue(file.toFile(), type);
        } catch (IOException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                // a closed setting's own refusal ("training setting 'optimizer' = x is invalid: expected ..."), without
                // Jackson's wrapper, which would otherwise be the line the user reads
                throw new IllegalArgumentException("config file " + file + " is invalid: " + bad.getMessage());
            }
            throw new IllegalArgumentException("config file " + file + " is invalid: " + e.getMessage().split("\n")[0], e);
        }
    }
}
