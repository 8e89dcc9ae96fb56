package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ringtrain.engine.cuda.DeviceChoice;

import java.io.Serializable;
import java.util.Objects;

/**
 * The {@code device} setting as the user wrote it: a {@link DeviceChoice} and whether it names the
 * GPU's ordinal. {@code cuda} and {@code cuda:0} are the same choice, but only {@code cuda:0} pins
 * GPU 0; {@code cuda} takes the GPU Spark assigns each task ({@link TaskDevice}), so the setting keeps
 * which of the two was written. Parsed once where it enters (config file, flag, Spark ML param);
 * written as {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}.
 */
public final class DeviceSetting implements Serializable {
    public static final DeviceSetting CPU = parse("cpu");

    private final DeviceChoice.Kind kind;
    private final int ordinal;
    private final boolean namesOrdinal;

    private DeviceSetting(DeviceChoice.Kind kind, int ordinal, boolean namesOrdinal) {
        this.kind = kind;
        this.ordinal = ordinal;
        this.namesOrdinal = namesOrdinal;
    }

    /** {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (case-insensitive); anything else fails naming the setting 'device' and the choices. */
    @JsonCreator
    public static DeviceSetting parse(String text) {
        DeviceChoice choice;
        try {
            choice = DeviceChoice.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("training setting 'device' = " + text + " is invalid: expected cpu, cuda, cuda:N or auto");
        }
        return new DeviceSetting(choice.kind(), choice.ordinal(), text.contains(":"));
    }

    /** The device asked for, GPU 0 standing for "the GPU Spark assigned" unless {@link #namesOrdinal}. */
    public DeviceChoice choice() {
        return new DeviceChoice(kind, ordinal);
    }

    /** Whether the setting pins a GPU ({@code cuda:N}) rather than taking the one Spark assigns the task. */
    public boolean namesOrdinal() {
        return namesOrdinal;
    }

    /** The name config files, flags, config.json and messages use. */
    @JsonValue
    @Override
    public String toString() {
        return namesOrdinal ? choice().toString() : kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceSetting d && d.kind == kind && d.ordinal == ordinal && d.namesOrdinal == namesOrdinal;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, ordinal, namesOrdinal);
    }
}
