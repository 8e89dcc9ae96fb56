package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.models.SavedTextModel;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringtrain generate}: text from a trained text model, on this machine (no Spark). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Continues a prompt with a trained language model (char-lstm, char-transformer), or translates inputs with a trained "
                + "seq2seq-transformer (greedy decoding). Characters outside the model's vocabulary are an error."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--run-dir", description = "run folder of a finished 'ringtrain train' of a text model")
    String runDir;
    @Option(names = "--weights", description = "a text model's model.safetensors instead of a run folder")
    String weights;
    @Option(names = "--prompt", description = "language models: the text to continue (default a newline)")
    String prompt;
    @Option(names = "--sample-length", description = "language models: characters to generate (default 300)")
    Integer sampleLength;
    /** The flag's old name, kept so scripts still run; {@code train} calls it --sample-length. */
    @Option(names = "--length", hidden = true)
    Integer oldLength;
    @Option(names = "--temperature", description = "language models: 0 is greedy, 1 the model's distribution (default 0.8)")
    double temperature = 0.8;
    @Option(names = "--seed", description = "sampling seed (default 42)")
    long seed = 42;
    @Option(names = "--input", description = "seq2seq: a source text to translate (repeatable)")
    List<String> inputs;

    @Override
    public Integer call() {
        if ((runDir == null) == (weights == null)) throw new IllegalArgumentException("name the model with either --run-dir DIR or --weights FILE");
        if (sampleLength != null && oldLength != null) {
            throw new IllegalArgumentException("--length is the old name of --sample-length: pass only --sample-length");
        }
        int length = sampleLength != null ? sampleLength : oldLength != null ? oldLength : 300;
        if (length < 0) throw new IllegalArgumentException("--sample-length " + length + " is invalid: expected ≥ 0");
        if (!Double.isFinite(temperature) || temperature < 0) {
            throw new IllegalArgumentException("--temperature " + temperature + " is invalid: expected a finite number ≥ 0 (0: greedy)");
        }
        Configuration conf = DataPaths.beforeSpark();
        SavedTextModel model = runDir != null ? SavedTextModel.fromRunFolder(runDir, conf) : SavedTextModel.fromFile(weights, conf);
        if (model.isLanguageModel()) {
            if (inputs != null) throw new IllegalArgumentException(model.name() + " is a language model: pass --prompt, not --input");
            String p = prompt != null ? prompt : model.vocabulary().contains('\n') ? "\n" : model.vocabulary().decode(new int[] {0});
            System.out.println(p + model.generate(p, length, temperature, seed));
        } else {
            if (inputs == null || inputs.isEmpty()) throw new IllegalArgumentException(model.name() + " translates: pass one or more --input TEXT");
            List<String> out = model.translate(inputs);
            for (int i = 0; i < inputs.size(); i++) System.out.println(inputs.get(i) + "\t" + out.get(i));
        }
        return 0;
    }
}
