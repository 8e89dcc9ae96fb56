package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How gradients travel on the wire (the setting; {@link #wire()} is the all-reduce's own enum). Written in config files and flags as its lower-case name. */
public enum GradientCompression {
    /** float32. */
    NONE("none"),
    /** bfloat16: half the bytes; summed gradients rounded to bfloat16. */
    BF16("bf16");

    private final String name;

    GradientCompression(String name) {
        this.name = name;
    }

    /** The constant config files and flags name {@code name} (e.g. {@code none}); any other name fails naming the setting 'gradientCompression' and the choices. */
    @JsonCreator
    public static GradientCompression parse(String name) {
        return SettingNames.parse(values(), "gradientCompression", name);
    }

    /** The all-reduce's wire format for this setting. */
    public io.ringtrain.allreduce.Compression wire() {
        return switch (this) {
            case NONE -> io.ringtrain.allreduce.Compression.NONE;
            case BF16 -> io.ringtrain.allreduce.Compression.BF16;
        };
    }

    /** The name config files, flags, config.json and messages use. */
    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
