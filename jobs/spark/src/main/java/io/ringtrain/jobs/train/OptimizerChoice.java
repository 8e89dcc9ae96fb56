package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The optimizer a run trains with. Written in config files and flags as its lower-case name. */
public enum OptimizerChoice {
    /** SGD with momentum, weight decay and optional Nesterov momentum. */
    SGD("sgd"),
    /** AdamW (decoupled weight decay). */
    ADAMW("adamw");

    private final String name;

    OptimizerChoice(String name) {
        this.name = name;
    }

    /** The constant config files and flags name {@code name} (e.g. {@code sgd}); any other name fails naming the setting 'optimizer' and the choices. */
    @JsonCreator
    public static OptimizerChoice parse(String name) {
        return SettingNames.parse(values(), "optimizer", name);
    }

    /** The name config files, flags, config.json and messages use. */
    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
