package io.ringtrain.jobs.data.formats;

/**
 * A character-level text format, read by {@link io.ringtrain.jobs.data.TextSources}: {@link #TEXT}
 * (one plain text, for language models) or {@link #PAIRS} (source TAB target lines, for seq2seq
 * and classifiers of text).
 */
public final class TextFormat extends NamedFormat {
    /** {@code text}: one plain text, cut into windows whose target is the window shifted by one character. */
    public static final TextFormat TEXT = new TextFormat("text", true);
    /** {@code text-pairs}: source TAB target lines, each a padded source and target. */
    public static final TextFormat PAIRS = new TextFormat("text-pairs", false);

    private final boolean windows;

    private TextFormat(String name, boolean windows) {
        super(name);
        this.windows = windows;
    }

    @Override
    public boolean isText() {
        return true;
    }

    /**
     * Whether its records are windows of one continuous text, a language model's data (next
     * character targets, no padding); false: source/target pairs, padded with PAD.
     */
    public boolean windows() {
        return windows;
    }
}
