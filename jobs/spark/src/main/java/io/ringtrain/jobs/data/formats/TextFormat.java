package io.ringtrain.jobs.data.formats;

/**
 * A character-level text format, read by {@link io.ringtrain.jobs.data.TextSources}: {@code text}
 * (one plain text, for language models) or {@code text-pairs} (source TAB target lines, for seq2seq
 * and classifiers of text).
 */
final class TextFormat implements DataFormat {
    private final String name;

    TextFormat(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isText() {
        return true;
    }
}
