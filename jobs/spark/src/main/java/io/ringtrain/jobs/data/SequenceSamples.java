package io.ringtrain.jobs.data;

import io.ringtrain.trainer.data.Samples;

import java.util.List;

/**
 * An executor's sequence records as the trainer's {@link Samples}; token ids travel as floats.
 * <ul>
 * <li>{@link #languageModel}: a window of seqLen + 1 ids gives input [seqLen] = ids[0, seqLen) and
 * target [seqLen] = ids[1, seqLen + 1) (the next character at every position).</li>
 * <li>{@link #seq2seq}: a (source, target) pair padded to {@code maxLen} with PAD gives input
 * [2, maxLen] = (source, BOS + target) and target [maxLen] = target + EOS (PAD is the ignore index).</li>
 * <li>{@link #classification}: a (text, label) pair with a one-character label gives input
 * [maxLen + 1] = BOS ([CLS]) + text, padded with PAD, and the label's token id as a scalar target.</li>
 * </ul>
 */
public final class SequenceSamples implements Samples {
    private final List<SequenceRecord> records;
    private final int length;
    private final boolean pairs;
    private final boolean labels;

    private SequenceSamples(List<SequenceRecord> records, int length, boolean pairs, boolean labels) {
        this.records = records;
        this.length = length;
        this.pairs = pairs;
        this.labels = labels;
    }

    public static SequenceSamples languageModel(List<SequenceRecord> records, int seqLen) {
        for (SequenceRecord r : records) {
            if (r.tokens().length != seqLen + 1) {
                throw new IllegalArgumentException("window " + r.id() + " holds " + r.tokens().length + " tokens, expected seqLen + 1 = " + (seqLen + 1));
            }
        }
        return new SequenceSamples(records, seqLen, false, false);
    }

    public static SequenceSamples seq2seq(List<SequenceRecord> records, int maxLen) {
        for (SequenceRecord r : records) {
            if (r.target() == null || r.tokens().length > maxLen || r.target().length + 1 > maxLen) {
                throw new IllegalArgumentException("pair " + (r.source() != null ? r.source() : "id " + r.id()) + " does not fit length " + maxLen
                        + " (source ≤ " + maxLen + ", target ≤ " + (maxLen - 1) + ")");
            }
        }
        return new SequenceSamples(records, maxLen, true, false);
    }

    /** (text, label) pairs for a sequence classifier; a label of other than one character, or a longer text, is an error naming the pair. */
    public static SequenceSamples classification(List<SequenceRecord> records, int maxLen) {
        for (SequenceRecord r : records) {
            String pair = r.source() != null ? r.source() : "id " + r.id();
            if (r.target() == null || r.target().length != 1) {
                throw new IllegalArgumentException("pair " + pair + " has a label of " + (r.target() == null ? 0 : r.target().length)
                        + " characters; bert-encoder reads text<TAB>label lines with a one-character label (e.g. 'p' or 'n')");
            }
            if (r.tokens().length > maxLen) {
                throw new IllegalArgumentException("pair " + pair + " has " + r.tokens().length + " characters of text; seqLen " + maxLen + " allows up to " + maxLen);
            }
        }
        return new SequenceSamples(records, maxLen + 1, false, true);
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public int[] sampleShape() {
        return pairs ? new int[] {2, length} : new int[] {length};
    }

    @Override
    public int[] targetShape() {
        return labels ? new int[0] : new int[] {length};
    }

    public SequenceRecord record(int index) {
        return records.get(index);
    }

    @Override
    public void copySample(int index, int epoch, float[] dst, int offset) {
        SequenceRecord r = records.get(index);
        if (labels) {
            java.util.Arrays.fill(dst, offset, offset + length, CharVocabulary.PAD);
            dst[offset] = CharVocabulary.BOS;
            for (int t = 0; t < r.tokens().length; t++) dst[offset + 1 + t] = r.tokens()[t];
            return;
        }
        if (!pairs) {
            for (int t = 0; t < length; t++) dst[offset + t] = r.tokens()[t];
            return;
        }
        java.util.Arrays.fill(dst, offset, offset + 2 * length, CharVocabulary.PAD);
        for (int t = 0; t < r.tokens().length; t++) dst[offset + t] = r.tokens()[t];
        dst[offset + length] = CharVocabulary.BOS;
        for (int t = 0; t < r.target().length; t++) dst[offset + length + 1 + t] = r.target()[t];
    }

    @Override
    public void copyTarget(int index, float[] dst, int offset) {
        SequenceRecord r = records.get(index);
        if (labels) {
            dst[offset] = r.target()[0];
            return;
        }
        if (!pairs) {
            for (int t = 0; t < length; t++) dst[offset + t] = r.tokens()[t + 1];
            return;
        }
        java.util.Arrays.fill(dst, offset, offset + length, CharVocabulary.PAD);
        for (int t = 0; t < r.target().length; t++) dst[offset + t] = r.target()[t];
        dst[offset + r.target().length] = CharVocabulary.EOS;
    }

    /** A classification sample's label; language-model and seq2seq samples have a target sequence: see {@link #copyTarget}. */
    @Override
    public float target(int index) {
        if (labels) return records.get(index).target()[0];
        throw new UnsupportedOperationException("sequence samples carry a target sequence of shape [" + length + "]; read it with copyTarget");
    }
}
