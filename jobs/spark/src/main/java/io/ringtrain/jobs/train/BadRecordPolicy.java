package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a corrupt image, an image of the wrong size or a label outside [0, numClasses) does. Written in config files and flags as its lower-case name. */
public enum BadRecordPolicy {
    /** Fails the job naming the record. */
    FAIL("fail"),
    /** Drops such records before planning, counted per kind and reported. */
    SKIP("skip");

    private final String name;

    BadRecordPolicy(String name) {
        this.name = name;
    }

    /** The constant config files and flags name {@code name} (e.g. {@code fail}); any other name fails naming the setting 'onBadRecord' and the choices. */
    @JsonCreator
    public static BadRecordPolicy parse(String name) {
        return SettingNames.parse(values(), "onBadRecord", name);
    }

    /** The name config files, flags, config.json and messages use. */
    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
