package io.ringtrain.jobs.data;

import io.ringtrain.jobs.data.formats.TextFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Character-level text data in the {@link SequenceColumns} layout, read from a local path or any
 * Hadoop URI (UTF-8). The file is read on the driver (a text corpus of a few MB; windows are small
 * rows) and the records spread over the cluster.
 *
 * <ul>
 * <li>{@code text}: one plain text. Vocabulary = its sorted distinct characters. The last
 * {@code validationFraction} of the characters is the validation part, the rest the training part;
 * each part is cut into windows of seqLen + 1 characters starting every {@code stride} characters
 * (input = the first seqLen, target = the last seqLen), never crossing the split.</li>
 * <li>{@code text-pairs}: a TSV of {@code source<TAB>target} lines (blank lines skipped) for seq2seq.
 * Vocabulary = PAD, BOS, EOS and the sorted distinct characters of both columns. The last
 * {@code validationFraction} of the lines is the validation part.</li>
 * </ul>
 * A separate test file is read with the training file's vocabulary (all of it is validation data).
 */
public final class TextSources {
    private TextSources() {}

    /** A text data set: its vocabulary and the training and validation records. */
    public record TextDataset(CharVocabulary vocabulary, Dataset<Row> train, Dataset<Row> validation, long trainRecords, long validationRecords) {}

    /**
     * Reads {@code path} (and {@code testPath} when not null) as {@code format}; windows/pairs as
     * described in the class comment. {@code seqLen}: the window's input length for {@code text},
     * the padded length of a pair's source and of its target + EOS for {@code text-pairs}.
     */
    public static TextDataset read(SparkSession spark, TextFormat format, String path, String testPath, int seqLen, int stride, double validationFraction) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String text = readText(path, conf);
        String testText = testPath == null ? null : readText(testPath, conf);
        List<SequenceRecord> train, validation;
        CharVocabulary vocab;
        if (format.windows()) {
            vocab = CharVocabulary.of(text, false);
            int[] ids = vocab.encode(text, path);
            if (testText == null) {
                int split = splitPoint(ids.length, validationFraction);
                train = windows(ids, 0, split, seqLen, stride, path, "the training part (the first " + percent(1 - validationFraction) + ")");
                validation = windows(ids, split, ids.length, seqLen, stride, path, "the validation part (the last " + percent(validationFraction) + ")");
            } else {
                train = windows(ids, 0, ids.length, seqLen, stride, path, "the training text");
                int[] testIds = vocab.encode(testText, testPath);
                validation = windows(testIds, 0, testIds.length, seqLen, stride, testPath, "the test text");
            }
        } else {
            List<String[]> pairs = parsePairs(text, path);
            List<String[]> testPairs = testText == null ? null : parsePairs(testText, testPath);
            StringBuilder all = new StringBuilder();
            for (String[] p : pairs) all.append(p[1]).append(p[2]);
            vocab = CharVocabulary.of(all, true);
            List<SequenceRecord> records = encodePairs(pairs, vocab, seqLen, path);
            if (testPairs == null) {
                int split = splitPoint(records.size(), validationFraction);
                train = records.subList(0, split);
                validation = records.subList(split, records.size());
                if (train.isEmpty() || validation.isEmpty()) {
                    throw new IllegalArgumentException(path + " has " + records.size() + " pairs: too few to keep the last " + percent(validationFraction)
                            + " for validation and train on the rest; add lines or pass --test-data");
                }
            } else {
                train = records;
                validation = encodePairs(testPairs, vocab, seqLen, testPath);
            }
        }
        return new TextDataset(vocab, frame(spark, train), frame(spark, validation), train.size(), validation.size());
    }

    /**
     * Records of {@code path} encoded with a trained model's vocabulary, for evaluation: the
     * {@code split} "test" (the last validationFraction, as in training), "train" (the rest) or "all".
     * A character outside the vocabulary is an error naming it and its position.
     */
    public static List<SequenceRecord> encodedWith(CharVocabulary vocab, TextFormat format, String text, String path, int seqLen, int stride,
                                                   double validationFraction, String split) {
        if (!Set.of("test", "train", "all").contains(split)) throw new IllegalArgumentException("split " + split + " is invalid: expected test, train or all");
        if (format.windows()) {
            int[] ids = vocab.encode(text, path);
            int cut = splitPoint(ids.length, validationFraction);
            return switch (split) {
                case "test" -> windows(ids, cut, ids.length, seqLen, stride, path, "the validation part (the last " + percent(validationFraction) + ")");
                case "train" -> windows(ids, 0, cut, seqLen, stride, path, "the training part (the first " + percent(1 - validationFraction) + ")");
                default -> windows(ids, 0, ids.length, seqLen, stride, path, "the text");
            };
        }
        List<SequenceRecord> records = encodePairs(parsePairs(text, path), vocab, seqLen, path);
        int cut = splitPoint(records.size(), validationFraction);
        return switch (split) {
            case "test" -> records.subList(cut, records.size());
            case "train" -> records.subList(0, cut);
            default -> records;
        };
    }

    /** The whole file as UTF-8 text; a missing, empty or non-UTF-8 file is an error naming it. */
    public static String readText(String path, Configuration conf) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) throw new IllegalArgumentException("text file " + path + " does not exist; check the path (local path or Hadoop URI)");
            if (fs.getFileStatus(p).isDirectory()) throw new IllegalArgumentException(path + " is a folder; the text formats read one file (e.g. input.txt)");
            byte[] bytes;
            try (InputStream in = fs.open(p)) {
                bytes = in.readAllBytes();
            }
            if (bytes.length == 0) throw new IllegalArgumentException("text file " + path + " is empty; a character-level model needs text to learn from");
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(path + " is not UTF-8 text (" + e.getMessage() + "); convert it to UTF-8 first", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Windows of seqLen + 1 ids within [from, to), starting every stride ids; their ids are the start offsets. */
    public static List<SequenceRecord> windows(int[] ids, int from, int to, int seqLen, int stride, String path, String part) {
        if (seqLen < 1 || stride < 1) throw new IllegalArgumentException("seqLen and stride must be ≥ 1, got " + seqLen + " and " + stride);
        if (to - from < seqLen + 1) {
            throw new IllegalArgumentException("seqLen " + seqLen + " needs windows of " + (seqLen + 1) + " characters, but " + part + " of " + path
                    + " holds only " + (to - from) + "; lower --seq-len or use a longer text");
        }
        List<SequenceRecord> out = new ArrayList<>();
        for (int start = from; start + seqLen + 1 <= to; start += stride) {
            out.add(new SequenceRecord(start, java.util.Arrays.copyOfRange(ids, start, start + seqLen + 1), null, null));
        }
        return out;
    }

    /** {line number (1-based), source, target} per non-blank line; a line without exactly one TAB is an error naming the file and line. */
    public static List<String[]> parsePairs(String text, String path) {
        List<String[]> pairs = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            int tab = line.indexOf('\t');
            if (tab < 0 || line.indexOf('\t', tab + 1) >= 0) {
                throw new IllegalArgumentException(path + ":" + (i + 1) + " is not 'source<TAB>target': it has " + (tab < 0 ? "no" : "more than one")
                        + " tab (" + abbreviate(line) + "); the text-pairs format needs exactly one tab per line");
            }
            pairs.add(new String[] {Integer.toString(i + 1), line.substring(0, tab), line.substring(tab + 1)});
        }
        if (pairs.isEmpty()) throw new IllegalArgumentException(path + " holds no 'source<TAB>target' line");
        return pairs;
    }

    private static List<SequenceRecord> encodePairs(List<String[]> pairs, CharVocabulary vocab, int maxLen, String path) {
        List<SequenceRecord> out = new ArrayList<>(pairs.size());
        for (String[] p : pairs) {
            String where = path + ":" + p[0];
            int[] src = vocab.encode(p[1], where + " (source)"), tgt = vocab.encode(p[2], where + " (target)");
            if (src.length > maxLen || tgt.length + 1 > maxLen) {
                throw new IllegalArgumentException(where + " has a " + src.length + "-character source and a " + tgt.length
                        + "-character target, but seqLen " + maxLen + " allows sources of up to " + maxLen + " and targets of up to " + (maxLen - 1)
                        + " characters (one position goes to BOS/EOS); raise --seq-len");
            }
            out.add(new SequenceRecord(Long.parseLong(p[0]), src, tgt, where));
        }
        return out;
    }

    private static int splitPoint(int n, double validationFraction) {
        return (int) Math.round(n * (1 - validationFraction));
    }

    private static Dataset<Row> frame(SparkSession spark, List<SequenceRecord> records) {
        List<Row> rows = new ArrayList<>(records.size());
        for (SequenceRecord r : records) rows.add(SequenceColumns.toRow(r));
        return SequenceColumns.frame(spark, rows);
    }

    private static String percent(double f) {
        return Math.round(f * 1000) / 10.0 + "%";
    }

    private static String abbreviate(String line) {
        String shown = line.length() > 60 ? line.substring(0, 60) + "…" : line;
        return "'" + shown.replace("\t", "\\t") + "'";
    }
}
