package io.ringtrain.jobs.models;

import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.engine.models.LanguageModel;
import io.ringtrain.engine.models.PackedSeq2SeqTransformer;
import io.ringtrain.engine.models.TextGeneration;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.jobs.data.CharVocabulary;
import io.ringtrain.jobs.run.RunFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained text model (char-lstm, char-transformer, seq2seq-transformer) as evaluation and
 * generation need it: the settings that rebuild it and the vocabulary it was trained with, all from
 * the weights' metadata (written by the training job: {@code model}, {@code format},
 * {@code vocabulary}, {@code seq_len}, {@code stride}, {@code validation_fraction},
 * {@code hidden_size}, {@code num_layers}, {@code num_heads}), and the safetensors bytes.
 */
public final class SavedTextModel implements Serializable {
    private final String name;
    private final Map<String, String> metadata;
    private final CharVocabulary vocabulary;
    private final byte[] safetensors;
    private final String source;

    private SavedTextModel(String name, Map<String, String> metadata, CharVocabulary vocabulary, byte[] safetensors, String source) {
        this.name = name;
        this.metadata = metadata;
        this.vocabulary = vocabulary;
        this.safetensors = safetensors;
        this.source = source;
    }

    public static SavedTextModel fromRunFolder(String runDir, Configuration conf) {
        return fromFile(new RunFolder(runDir).path(SavedModel.WEIGHTS_FILE).toString(), conf);
    }

    public static SavedTextModel fromFile(String weights, Configuration conf) {
        Path p = new Path(weights);
        byte[] bytes;
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) throw new IllegalArgumentException("weights file " + weights + " does not exist; pass the run folder of a finished 'ringtrain train'");
            try (InputStream in = fs.open(p)) {
                bytes = in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read weights file " + weights + ": " + e.getMessage(), e);
        }
        return fromBytes(bytes, weights);
    }

    public static SavedTextModel fromBytes(byte[] bytes, String source) {
        Map<String, String> metadata = contents(bytes, source).metadata();
        String name = metadata.get("model");
        if (name == null || !ModelZoo.isText(name)) {
            throw new IllegalArgumentException(source + " holds " + (name == null ? "a model without a name in its metadata" : "the image model '" + name + "'")
                    + ", not a text model " + ModelZoo.TEXT_NAMES + "; for images use --format idx, image-folder or parquet");
        }
        for (String key : List.of("vocabulary", "seq_len", "hidden_size", "num_layers", "num_heads")) {
            if (!metadata.containsKey(key)) throw new IllegalArgumentException(source + " lacks '" + key + "' in its metadata; retrain it with this version of ringtrain");
        }
        return new SavedTextModel(name, Map.copyOf(metadata), CharVocabulary.fromJson(metadata.get("vocabulary"), source), bytes, source);
    }

    /** A fresh instance with the saved weights, in eval mode. */
    public Module instantiate() {
        Module module = ModelZoo.createText(name, vocabulary.size(), seqLen(), intSetting("hidden_size"), intSetting("num_layers"), intSetting("num_heads"), 0);
        module.loadStateDict(contents(safetensors, source).tensors(), true);
        module.eval();
        return module;
    }

    /** {@code length} characters continuing {@code prompt} (context: the training window length); 0 temperature is greedy. */
    public String generate(String prompt, int length, double temperature, long seed) {
        if (!isLanguageModel()) {
            throw new IllegalArgumentException(name + (ModelZoo.isTextClassifier(name) ? " classifies texts and generates none"
                    : " is a seq2seq model: give it inputs to translate, not a prompt to continue"));
        }
        int[] ids = vocabulary.encode(prompt, "the prompt");
        if (ids.length == 0) throw new IllegalArgumentException("the prompt is empty; give at least one character");
        return vocabulary.decode(TextGeneration.sample((LanguageModel) instantiate(), ids, length, seqLen(), temperature, seed));
    }

    /** Greedy decoding of each input with the seq2seq model (up to seqLen − 1 characters each). */
    public List<String> translate(List<String> inputs) {
        if (isLanguageModel()) throw new IllegalArgumentException(name + " is a language model: give it a prompt to continue");
        if (ModelZoo.isTextClassifier(name)) throw new IllegalArgumentException(name + " classifies texts and translates none");
        PackedSeq2SeqTransformer model = (PackedSeq2SeqTransformer) instantiate();
        List<String> out = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += 64) {
            List<String> chunk = inputs.subList(from, Math.min(inputs.size(), from + 64));
            int longest = 1;
            int[][] ids = new int[chunk.size()][];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = vocabulary.encode(chunk.get(i), "input " + (from + i + 1));
                if (ids[i].length > seqLen()) {
                    throw new IllegalArgumentException("input " + (from + i + 1) + " has " + ids[i].length + " characters; the model takes up to seqLen = " + seqLen());
                }
                longest = Math.max(longest, ids[i].length);
            }
            int[][] padded = new int[ids.length][];
            for (int i = 0; i < ids.length; i++) padded[i] = java.util.Arrays.copyOf(ids[i], longest); // PAD = 0
            for (int[] decoded : model.greedyDecode(padded, CharVocabulary.BOS, CharVocabulary.EOS, seqLen() - 1)) out.add(vocabulary.decode(decoded));
        }
        return out;
    }

    public boolean isLanguageModel() {
        return ModelZoo.textFormatOf(name).windows();
    }

    public String name() {
        return name;
    }

    /** text or text-pairs. */
    public io.ringtrain.jobs.data.formats.TextFormat format() {
        return ModelZoo.textFormatOf(name);
    }

    public CharVocabulary vocabulary() {
        return vocabulary;
    }

    public int seqLen() {
        return intSetting("seq_len");
    }

    /** Window stride used in training (seqLen when not recorded). */
    public int stride() {
        return metadata.containsKey("stride") ? intSetting("stride") : seqLen();
    }

    public double validationFraction() {
        return metadata.containsKey("validation_fraction") ? Double.parseDouble(metadata.get("validation_fraction")) : 0.1;
    }

    public String source() {
        return source;
    }

    private int intSetting(String key) {
        try {
            return Integer.parseInt(metadata.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' = '" + metadata.get(key) + "' of " + source + " is not an integer");
        }
    }

    private static SafeTensors.Contents contents(byte[] bytes, String source) {
        try {
            return SafeTensors.read(new ByteArrayInputStream(bytes), source);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not a readable safetensors file: " + e.getMessage(), e);
        }
    }
}
