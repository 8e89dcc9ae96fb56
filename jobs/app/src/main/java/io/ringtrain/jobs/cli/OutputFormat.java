package io.ringtrain.jobs.cli;

import java.util.Locale;

/** How {@code predict} writes its rows ({@code --out-format}); flags name it in lower case. */
enum OutputFormat {
    PARQUET("parquet"),
    /** One probability_k column per class, no nested columns. */
    CSV("csv");

    private final String name;

    OutputFormat(String name) {
        this.name = name;
    }

    /** The format an output path asks for when no --out-format is given: CSV for a name ending in .csv, else Parquet. */
    static OutputFormat of(String out) {
        return out.toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : PARQUET;
    }

    @Override
    public String toString() {
        return name;
    }

    static final class Converter extends FlagChoices<OutputFormat> {
        Converter() {
            super(values());
        }
    }
}
