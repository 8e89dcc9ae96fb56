package io.ringtrain.engine.examples;

import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.loss.Reduction;
import io.ringtrain.engine.optim.Adam;
import io.ringtrain.engine.optim.GradClip;

import java.util.List;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.autograd.GradMode;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.models.CausalTransformerLanguageModel;
import io.ringtrain.engine.models.LanguageModel;
import io.ringtrain.engine.models.LstmLanguageModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Character-level language model on tinyshakespeare: an LSTM ({@link LstmLanguageModel}) or a
 * causal (decoder-only) Transformer ({@link CausalTransformerLanguageModel}), trained on random windows of the first 90% of the text, validated on the last 10%.
 * Prints the training and validation loss curve in nats per character.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes io.ringtrain.engine.examples.CharLm \
 *      --model lstm --steps 3000 [--batch 32] [--seq 64] [--hidden 256] [--layers 2] [--lr 2e-3] [--eval-every 100]
 *      [--eval-windows 32] [--seed 1] [--max-seconds S]   (stops early after S seconds)
 *      [--data data/tinyshakespeare/input.txt]   (the text, relative to the working directory)
 * </pre>
 */
public final class CharLm {
    /** Settings; {@code model} is "lstm" or "transformer". */
    public record Config(String model, int steps, int batch, int seq, int hidden, int layers, float lr, int evalEvery, int evalWindows, long seed,
                         double maxSeconds) {
        public static Config defaults(String model) {
            return new Config(model, 3000, 32, 64, 256, 2, 2e-3f, 100, 32, 1, Double.POSITIVE_INFINITY);
        }
    }

    /** Final validation loss (nats/char), the best one, the steps taken and the wall time in seconds. */
    public record Result(double finalValidationLoss, double bestValidationLoss, int steps, double seconds) {}

    private CharLm() {}

    /** The text the README's commands train on, relative to the repository root. */
    public static final Path DEFAULT_TEXT = Path.of("data/tinyshakespeare/input.txt");

    public static Result run(Config c, Path textFile, PrintStream log) throws IOException {
        long start = System.nanoTime();
        String text = Files.readString(textFile, StandardCharsets.UTF_8);
        TreeSet<Character> chars = new TreeSet<>();
        for (char ch : text.toCharArray()) chars.add(ch);
        int[] index = new int[65536];
        int vocab = 0;
        for (char ch : chars) index[ch] = vocab++;
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = index[text.charAt(i)];
        int split = (int) (ids.length * 0.9);

        Init.manualSeed(c.seed());
        LanguageModel model = c.model().equals("lstm") ? new LstmLanguageModel(vocab, c.hidden(), c.layers())
                : new CausalTransformerLanguageModel(vocab, c.hidden(), Math.max(1, c.hidden() / 64), c.layers(), c.seq());
        Adam adam = new Adam(model.module().parameters(), c.lr()).betas(0.9, 0.98).eps(1e-9);
        List<Tensor> clipped = model.module().parameters();
        SplittableRandom rng = new SplittableRandom(c.seed());
        // fixed validation windows spread over the held-out tail
        int[] valStarts = new int[c.evalWindows() * c.batch()];
        SplittableRandom valRng = new SplittableRandom(99);
        for (int i = 0; i < valStarts.length; i++) valStarts[i] = split + valRng.nextInt(ids.length - split - c.seq() - 1);
        if (log != null) log.printf("%s: vocab %d, %d parameters, train %d chars, validation %d chars%n", c, vocab,
                model.module().parameterCount(), split, ids.length - split);
        double running = Double.NaN, lastVal = Double.NaN, bestVal = Double.POSITIVE_INFINITY;
        int taken = c.steps();
        for (int step = 1; step <= c.steps(); step++) {
            int[] starts = new int[c.batch()];
            for (int b = 0; b < starts.length; b++) starts[b] = rng.nextInt(split - c.seq() - 1);
            Tensor loss = batchLoss(model, ids, starts, c.seq());
            loss.backward();
            float lr = c.lr() * (float) Math.min(1.0, step / 50.0) * (float) (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * step / c.steps())));
            adam.setLr(lr);
            GradClip.clipGradNorm(clipped, 1.0);
            adam.step();
            adam.zeroGrad();
            running = Double.isNaN(running) ? loss.item() : 0.98 * running + 0.02 * loss.item();
            boolean outOfTime = (System.nanoTime() - start) / 1e9 > c.maxSeconds();
            if (step % c.evalEvery() == 0 || step == c.steps() || outOfTime) {
                lastVal = validate(model, ids, valStarts, c);
                bestVal = Math.min(bestVal, lastVal);
                if (log != null) log.printf("step %6d  train %.4f  val %.4f  (%.0f s)%n", step, running, lastVal, (System.nanoTime() - start) / 1e9);
            }
            if (outOfTime) {
                taken = step;
                break;
            }
        }
        return new Result(lastVal, bestVal, taken, (System.nanoTime() - start) / 1e9);
    }

    private static Tensor batchLoss(LanguageModel model, int[] ids, int[] starts, int seq) {
        int B = starts.length;
        int[] x = new int[B * seq], y = new int[B * seq];
        for (int b = 0; b < B; b++) {
            System.arraycopy(ids, starts[b], x, b * seq, seq);
            System.arraycopy(ids, starts[b] + 1, y, b * seq, seq);
        }
        return new CrossEntropyLoss(-1, 0f, Reduction.MEAN).forward(rowsOfClasses(model.logits(x, B, seq)), y);
    }

    private static double validate(LanguageModel model, int[] ids, int[] valStarts, Config c) {
        model.module().eval();
        double total = 0;
        int chunks = 0;
        try (var scope = GradMode.noGrad()) {
            for (int from = 0; from < valStarts.length; from += c.batch()) {
                total += batchLoss(model, ids, java.util.Arrays.copyOfRange(valStarts, from, from + c.batch()), c.seq()).item();
                chunks++;
            }
        } finally {
            model.module().train();
        }
        return total / chunks;
    }

    public static void main(String[] args) throws IOException {
        Config c = Config.defaults("lstm");
        Path textFile = DEFAULT_TEXT;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            if (args[i].equals("--data")) {
                textFile = Path.of(v);
                continue;
            }
            c = switch (args[i]) {
                case "--model" -> new Config(v, c.steps(), c.batch(), c.seq(), c.hidden(), c.layers(), c.lr(), c.evalEvery(), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--steps" -> new Config(c.model(), Integer.parseInt(v), c.batch(), c.seq(), c.hidden(), c.layers(), c.lr(), c.evalEvery(), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--batch" -> new Config(c.model(), c.steps(), Integer.parseInt(v), c.seq(), c.hidden(), c.layers(), c.lr(), c.evalEvery(), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--seq" -> new Config(c.model(), c.steps(), c.batch(), Integer.parseInt(v), c.hidden(), c.layers(), c.lr(), c.evalEvery(), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--hidden" -> new Config(c.model(), c.steps(), c.batch(), c.seq(), Integer.parseInt(v), c.layers(), c.lr(), c.evalEvery(), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--layers" -> new Config(c.model(), c.steps(), c.batch(), c.seq(), c.hidden(), Integer.parseInt(v), c.lr(), c.evalEvery(), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--lr" -> new Config(c.model(), c.steps(), c.batch(), c.seq(), c.hidden(), c.layers(), Float.parseFloat(v), c.evalEvery(), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--eval-every" -> new Config(c.model(), c.steps(), c.batch(), c.seq(), c.hidden(), c.layers(), c.lr(), Integer.parseInt(v), c.evalWindows(), c.seed(), c.maxSeconds());
                case "--eval-windows" -> new Config(c.model(), c.steps(), c.batch(), c.seq(), c.hidden(), c.layers(), c.lr(), c.evalEvery(), Integer.parseInt(v), c.seed(), c.maxSeconds());
                case "--seed" -> new Config(c.model(), c.steps(), c.batch(), c.seq(), c.hidden(), c.layers(), c.lr(), c.evalEvery(), c.evalWindows(), Long.parseLong(v), c.maxSeconds());
                case "--max-seconds" -> new Config(c.model(), c.steps(), c.batch(), c.seq(), c.hidden(), c.layers(), c.lr(), c.evalEvery(), c.evalWindows(), c.seed(), Double.parseDouble(v));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --model lstm|transformer --steps --batch --seq --hidden --layers --lr --eval-every --eval-windows --seed --max-seconds --data");
            };
        }
        if (!c.model().equals("lstm") && !c.model().equals("transformer")) throw new IllegalArgumentException("--model must be lstm or transformer, got " + c.model());
        if (!Files.isRegularFile(textFile)) {
            System.err.println("text file " + textFile.toAbsolutePath() + " not found: run from the repository root or pass --data PATH");
            System.exit(2);
        }
        Result r = run(c, textFile, System.out);
        System.out.printf("final validation loss %.4f nats/char (best %.4f) after %d steps, %.0f s%n", r.finalValidationLoss(), r.bestValidationLoss(), r.steps(), r.seconds());
    }

    /** [..., V] logits as [rows, V]: the loss's class dimension is 1, as PyTorch's. */
    private static Tensor rowsOfClasses(Tensor logits) {
        return logits.reshape(-1, logits.size(-1));
    }
}
