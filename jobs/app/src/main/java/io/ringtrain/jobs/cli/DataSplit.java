package io.ringtrain.jobs.cli;

/**
 * Which part of a dataset {@code evaluate} and {@code predict} read ({@code --split}): an IDX folder's
 * test or train files; for text, the validation tail the model was trained without, or the rest.
 * Flags name it in lower case.
 */
enum DataSplit {
    TEST("test"),
    TRAIN("train");

    private final String name;

    DataSplit(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }

    static final class Converter extends FlagChoices<DataSplit> {
        Converter() {
            super(values());
        }
    }
}
