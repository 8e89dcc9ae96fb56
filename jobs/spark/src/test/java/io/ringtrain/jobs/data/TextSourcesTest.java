package io.ringtrain.jobs.data;

import io.ringtrain.trainer.data.Batch;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Character-level text sources: vocabulary, windows and split, TSV pairs, samples, and the errors a user meets. */
class TextSourcesTest {
    @Test
    void vocabularyIsTheSortedDistinctCharactersAndRoundTrips() {
        CharVocabulary v = CharVocabulary.of("hello, world", false);
        assertEquals(9, v.size()); // ' ', ',', d, e, h, l, o, r, w
        assertArrayEquals(new int[] {4, 3, 5, 5, 6}, v.encode("hello", "test"));
        assertEquals("hello, world", v.decode(v.encode("hello, world", "test")));
        assertEquals(v, CharVocabulary.fromJson(v.toJson(), "json"));
    }

    @Test
    void seq2seqVocabularyPutsPadBosEosFirst() {
        CharVocabulary v = CharVocabulary.of("ba", true);
        assertEquals(5, v.size());
        assertArrayEquals(new int[] {3, 4}, v.encode("ab", "test"));
        assertEquals("ab", v.decode(new int[] {CharVocabulary.BOS, 3, 4, CharVocabulary.EOS, CharVocabulary.PAD}));
        assertEquals(v, CharVocabulary.fromJson(v.toJson(), "json"));
    }

    @Test
    void aCharacterOutsideTheVocabularyIsNamedWithItsPosition() {
        CharVocabulary v = CharVocabulary.of("abc", false);
        var e = assertThrows(IllegalArgumentException.class, () -> v.encode("abz", "the prompt"));
        assertTrue(e.getMessage().contains("\"z\" (U+007A) at character 2 of the prompt"), e.getMessage());
    }

    @Test
    void windowsOfSeqLenPlusOneStartEveryStrideWithinTheirPart() {
        int[] ids = new int[20];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        List<SequenceRecord> w = TextSources.windows(ids, 0, 18, 4, 3, "f.txt", "part");
        assertEquals(List.of(0L, 3L, 6L, 9L, 12L), w.stream().map(SequenceRecord::id).toList()); // 15 + 5 > 18
        assertArrayEquals(new int[] {3, 4, 5, 6, 7}, w.get(1).tokens());
        SequenceSamples samples = SequenceSamples.languageModel(w, 4);
        Batch b = Batch.gather(samples, new int[] {1}, 0);
        assertArrayEquals(new float[] {3, 4, 5, 6}, b.inputs().toArray());
        assertArrayEquals(new float[] {4, 5, 6, 7}, b.targets().toArray(), "the target is the input shifted by one character");
    }

    @Test
    void theSplitKeepsTheLastFractionForValidationWithoutOverlap(@TempDir Path tmp) {
        String text = "abcdefghij".repeat(10); // 100 characters
        CharVocabulary v = CharVocabulary.of(text, false);
        List<SequenceRecord> test = TextSources.encodedWith(v, io.ringtrain.jobs.data.formats.TextFormat.TEXT, text, "f", 4, 4, 0.1, "test");
        List<SequenceRecord> train = TextSources.encodedWith(v, io.ringtrain.jobs.data.formats.TextFormat.TEXT, text, "f", 4, 4, 0.1, "train");
        assertEquals(List.of(90L, 94L), test.stream().map(SequenceRecord::id).toList());
        SequenceRecord lastTrain = train.get(train.size() - 1);
        assertTrue(lastTrain.id() + 5 <= 90, "training windows end before the validation part: " + lastTrain.id());
        assertEquals(22, train.size()); // starts 0, 4, ..., 84
    }

    @Test
    void seqLenLongerThanThePartIsAnErrorThatSaysWhatToDo() {
        var e = assertThrows(IllegalArgumentException.class, () -> TextSources.windows(new int[30], 27, 30, 8, 8, "tiny.txt", "the validation part (the last 10%)"));
        assertTrue(e.getMessage().contains("seqLen 8 needs windows of 9 characters, but the validation part (the last 10%) of tiny.txt holds only 3")
                && e.getMessage().contains("lower --seq-len"), e.getMessage());
    }

    @Test
    void missingAndEmptyFilesAreErrorsNamingThem(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        String missing = tmp.resolve("nope.txt").toString();
        var e1 = assertThrows(IllegalArgumentException.class, () -> TextSources.readText(missing, conf));
        assertTrue(e1.getMessage().contains(missing + " does not exist"), e1.getMessage());
        Path empty = Files.createFile(tmp.resolve("empty.txt"));
        var e2 = assertThrows(IllegalArgumentException.class, () -> TextSources.readText(empty.toString(), conf));
        assertTrue(e2.getMessage().contains("empty.txt is empty"), e2.getMessage());
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), new byte[] {'a', (byte) 0xE9, 'b'});
        var e3 = assertThrows(IllegalArgumentException.class, () -> TextSources.readText(latin1.toString(), conf));
        assertTrue(e3.getMessage().contains("is not UTF-8"), e3.getMessage());
        Path ok = Files.writeString(tmp.resolve("ok.txt"), "héllo\n", StandardCharsets.UTF_8);
        assertEquals("héllo\n", TextSources.readText(ok.toString(), conf));
    }

    @Test
    void pairsBecomePaddedSourceAndBosTargetInputsWithEosLabels() {
        String tsv = "ab\tba\n\nabc\tcba\n";
        List<String[]> pairs = TextSources.parsePairs(tsv, "rev.tsv");
        assertEquals(2, pairs.size());
        assertEquals("3", pairs.get(1)[0], "line numbers count blank lines");
        CharVocabulary v = CharVocabulary.of("abc", true); // a=3, b=4, c=5
        List<SequenceRecord> records = TextSources.encodedWith(v, io.ringtrain.jobs.data.formats.TextFormat.PAIRS, tsv, "rev.tsv", 5, 5, 0.5, "all");
        assertEquals("rev.tsv:3", records.get(1).source());
        Batch b = Batch.gather(SequenceSamples.seq2seq(records, 5), new int[] {0}, 0);
        assertArrayEquals(new int[] {1, 2, 5}, b.inputs().shape());
        assertArrayEquals(new float[] {3, 4, 0, 0, 0, /* decoder input */ 1, 4, 3, 0, 0}, b.inputs().toArray());
        assertArrayEquals(new float[] {4, 3, 2, 0, 0}, b.targets().toArray(), "target + EOS, padded with PAD (the ignore index)");
    }

    @Test
    void labelledPairsBecomeClsPlusPaddedTextInputsWithTheLabelTokenAsScalarTarget() {
        String tsv = "ab\tc\nbca\ta\n";
        CharVocabulary v = CharVocabulary.of("abc", true); // PAD 0, BOS 1, EOS 2, a=3, b=4, c=5
        List<SequenceRecord> records = TextSources.encodedWith(v, io.ringtrain.jobs.data.formats.TextFormat.PAIRS, tsv, "labels.tsv", 4, 4, 0.5, "all");
        SequenceSamples samples = SequenceSamples.classification(records, 4);
        Batch b = Batch.gather(samples, new int[] {0, 1}, 0);
        assertArrayEquals(new int[] {2, 5}, b.inputs().shape(), "[CLS] + seqLen positions");
        assertArrayEquals(new float[] {1, 3, 4, 0, 0, /* second */ 1, 4, 5, 3, 0}, b.inputs().toArray());
        assertArrayEquals(new int[] {2}, b.targets().shape());
        assertArrayEquals(new float[] {5, 3}, b.targets().toArray(), "the label's token id");
        assertEquals(3f, samples.target(1));
    }

    @Test
    void aLabelOfOtherThanOneCharacterIsNamedByFileAndLine() {
        CharVocabulary v = CharVocabulary.of("abc", true);
        List<SequenceRecord> records = TextSources.encodedWith(v, io.ringtrain.jobs.data.formats.TextFormat.PAIRS, "ab\tc\nbca\tab\n", "labels.tsv", 4, 4, 0.5, "all");
        var e = assertThrows(IllegalArgumentException.class, () -> SequenceSamples.classification(records, 4));
        assertTrue(e.getMessage().startsWith("pair labels.tsv:2 has a label of 2 characters"), e.getMessage());
    }

    @Test
    void aMalformedTsvLineIsNamedByFileAndLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> TextSources.parsePairs("ab\tba\nno tab here\n", "data/rev.tsv"));
        assertTrue(e.getMessage().startsWith("data/rev.tsv:2 is not 'source<TAB>target': it has no tab"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> TextSources.parsePairs("a\tb\tc\n", "rev.tsv"));
        assertTrue(e2.getMessage().contains("rev.tsv:1") && e2.getMessage().contains("more than one tab"), e2.getMessage());
    }

    @Test
    void aPairLongerThanSeqLenIsNamedByFileAndLine() {
        CharVocabulary v = CharVocabulary.of("abc", true);
        var e = assertThrows(IllegalArgumentException.class, () -> TextSources.encodedWith(v, io.ringtrain.jobs.data.formats.TextFormat.PAIRS, "a\tb\nabc\tcba\n", "rev.tsv", 3, 3, 0.5, "all"));
        assertTrue(e.getMessage().startsWith("rev.tsv:2 has a 3-character source and a 3-character target") && e.getMessage().contains("raise --seq-len"),
                e.getMessage());
    }
}
