package io.ringtrain.jobs.data;

/**
 * One token sequence as it travels from a text source to an executor: {@code tokens} are the ids of
 * a language-model window (seqLen + 1 characters: input and next-character target in one) or of a
 * seq2seq source; {@code target} is the seq2seq target's ids (without BOS/EOS), null for a window.
 * {@code id} is the window's character offset in the file or the pair's line number; {@code source}
 * names where it came from ("file:line") when known.
 */
public record SequenceRecord(long id, int[] tokens, int[] target, String source) {}
