package io.ringtrain.jobs.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the training data reaches the replicas. Written in config files and flags as its lower-case name. */
public enum Sharding {
    /** Every replica holds the whole (small) dataset: exact W·b equivalence. */
    REPLICATED("replicated"),
    /** One shard per replica, held in memory. */
    PARTITIONED("partitioned"),
    /** One Parquet shard per replica in the run folder, streamed every epoch through a shuffle buffer. */
    STREAMING("streaming");

    private final String name;

    Sharding(String name) {
        this.name = name;
    }

    /** The constant config files and flags name {@code name} (e.g. {@code replicated}); any other name fails naming the setting 'sharding' and the choices. */
    @JsonCreator
    public static Sharding parse(String name) {
        return SettingNames.parse(values(), "sharding", name);
    }

    /** The name config files, flags, config.json and messages use. */
    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
