package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The learning-rate schedule. Written in config files and flags as its lower-case name. */
public enum ScheduleChoice {
    /** Cosine annealing per step, to 0. */
    COSINE("cosine"),
    /** ×0.1 every epochs/3 epochs. */
    STEP("step"),
    /** The base learning rate throughout. */
    CONSTANT("constant");

    private final String name;

    ScheduleChoice(String name) {
        this.name = name;
    }

    /** The constant config files and flags name {@code name} (e.g. {@code cosine}); any other name fails naming the setting 'schedule' and the choices. */
    @JsonCreator
    public static ScheduleChoice parse(String name) {
        return SettingNames.parse(values(), "schedule", name);
    }

    /** The name config files, flags, config.json and messages use. */
    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
