package io.ringtrain.engine.examples;

import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.loss.Reduction;
import io.ringtrain.engine.optim.Adam;
import io.ringtrain.engine.optim.GradClip;

import java.util.List;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.seq.Seq2SeqTransformer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Trains a small {@link Seq2SeqTransformer} to reverse integer sequences of length 5–20 (padded
 * batches) and reports exact-match accuracy of greedy decoding on held-out sequences.
 * Tokens: 0 = PAD, 1 = BOS, 2 = EOS, 3.. = the integers. Source = the sequence; target = BOS +
 * reversed + EOS (decoder input without the last token, labels without BOS).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes
 * io.ringtrain.engine.examples.Seq2SeqReversal [--steps 5000] [--d-model 32] [--ffn 64] [--layers 2] [--batch 32] [--lr 2e-3] [--held-out 1000]}
 */
public final class Seq2SeqReversal {
    public static final int PAD = 0, BOS = 1, EOS = 2, FIRST_SYMBOL = 3;

    /** Model and training settings. */
    public record Config(int symbols, int minLen, int maxLen, int dModel, int heads, int layers, int ffn, int batch, int steps,
                         float lr, int warmup, long seed) {
        public static Config defaults() {
            return new Config(10, 5, 20, 32, 4, 2, 64, 32, 5000, 2e-3f, 100, 1);
        }
    }

    /** The result: exact-match accuracy on held-out sequences and the training-loss curve (one value per logged step). */
    public record Result(double exactMatch, float[] lossCurve, double seconds) {}

    private Seq2SeqReversal() {}

    public static Result run(Config c, int heldOut, java.io.PrintStream log) {
        long start = System.nanoTime();
        Init.manualSeed(c.seed());
        int vocab = FIRST_SYMBOL + c.symbols();
        Seq2SeqTransformer model = new Seq2SeqTransformer(vocab, vocab, c.dModel(), c.heads(), c.layers(), c.layers(), c.ffn(), 0f,
                PAD, c.maxLen() + 2, true, true);
        Adam adam = new Adam(model.parameters(), c.lr()).betas(0.9, 0.98).eps(1e-9);
        List<Tensor> clipped = model.parameters();
        SplittableRandom data = new SplittableRandom(c.seed() * 7919 + 13);
        java.util.Set<String> testSet = new java.util.HashSet<>();
        int[][] test = new int[heldOut][];
        SplittableRandom testRng = new SplittableRandom(c.seed() * 31 + 5);
        for (int i = 0; i < heldOut; i++) {
            test[i] = randomSequence(testRng, c);
            testSet.add(Arrays.toString(test[i]));
        }
        int logEvery = Math.max(1, c.steps() / 40);
        float[] curve = new float[(c.steps() + logEvery - 1) / logEvery];
        float running = 0;
        for (int step = 1; step <= c.steps(); step++) {
            int[][] seqs = new int[c.batch()][];
            for (int b = 0; b < seqs.length; b++) {
                do seqs[b] = randomSequence(data, c); while (testSet.contains(Arrays.toString(seqs[b])));
            }
            int[][][] batch = teacherForcing(seqs);
            Tensor logits = model.forward(batch[0], batch[1]);
            Tensor loss = new CrossEntropyLoss(PAD, 0f, Reduction.MEAN).forward(rowsOfClasses(logits), flatten(batch[2]));
            loss.backward();
            // linear warm-up, then inverse square-root decay (the Transformer paper's schedule shape)
            float lr = c.lr() * Math.min(step / (float) c.warmup(), (float) Math.sqrt(c.warmup() / (double) Math.max(step, c.warmup())));
            adam.setLr(lr);
            GradClip.clipGradNorm(clipped, 1.0);
            adam.step();
            adam.zeroGrad();
            running = step == 1 ? loss.item() : 0.95f * running + 0.05f * loss.item();
            if (step % logEvery == 0 || step == c.steps()) {
                curve[(step - 1) / logEvery] = running;
                if (log != null) log.printf("step %5d  loss %.4f  (%.0f s)%n", step, running, (System.nanoTime() - start) / 1e9);
            }
        }
        int correct = 0;
        for (int from = 0; from < heldOut; from += 100) {
            int[][] chunk = Arrays.copyOfRange(test, from, Math.min(heldOut, from + 100));
            int[][] decoded = model.greedyDecode(pad(chunk), BOS, EOS, c.maxLen() + 1);
            for (int i = 0; i < chunk.length; i++) if (Arrays.equals(decoded[i], reversed(chunk[i]))) correct++;
        }
        double acc = correct / (double) heldOut;
        double seconds = (System.nanoTime() - start) / 1e9;
        if (log != null) log.printf("held-out exact match %.4f (%d/%d), %.0f s%n", acc, correct, heldOut, seconds);
        return new Result(acc, curve, seconds);
    }

    static int[] randomSequence(SplittableRandom rng, Config c) {
        int[] s = new int[c.minLen() + rng.nextInt(c.maxLen() - c.minLen() + 1)];
        for (int i = 0; i < s.length; i++) s[i] = FIRST_SYMBOL + rng.nextInt(c.symbols());
        return s;
    }

    static int[] reversed(int[] s) {
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) r[i] = s[s.length - 1 - i];
        return r;
    }

    /** {src, decoder input (BOS + reversed), labels (reversed + EOS)}, each padded with PAD to the batch's longest. */
    static int[][][] teacherForcing(int[][] seqs) {
        int[][] src = pad(seqs);
        int[][] in = new int[seqs.length][], out = new int[seqs.length][];
        for (int b = 0; b < seqs.length; b++) {
            int[] r = reversed(seqs[b]);
            in[b] = new int[r.length + 1];
            in[b][0] = BOS;
            System.arraycopy(r, 0, in[b], 1, r.length);
            out[b] = Arrays.copyOf(r, r.length + 1);
            out[b][r.length] = EOS;
        }
        return new int[][][] {src, pad(in), pad(out)};
    }

    static int[][] pad(int[][] rows) {
        int len = 0;
        for (int[] r : rows) len = Math.max(len, r.length);
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = Arrays.copyOf(rows[i], len); // PAD = 0
        return out;
    }

    static int[] flatten(int[][] rows) {
        int[] out = new int[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        return out;
    }

    public static void main(String[] args) {
        Config c = Config.defaults();
        int heldOut = 1000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            c = switch (args[i]) {
                case "--steps" -> new Config(c.symbols(), c.minLen(), c.maxLen(), c.dModel(), c.heads(), c.layers(), c.ffn(), c.batch(), Integer.parseInt(v), c.lr(), c.warmup(), c.seed());
                case "--d-model" -> new Config(c.symbols(), c.minLen(), c.maxLen(), Integer.parseInt(v), c.heads(), c.layers(), c.ffn(), c.batch(), c.steps(), c.lr(), c.warmup(), c.seed());
                case "--ffn" -> new Config(c.symbols(), c.minLen(), c.maxLen(), c.dModel(), c.heads(), c.layers(), Integer.parseInt(v), c.batch(), c.steps(), c.lr(), c.warmup(), c.seed());
                case "--layers" -> new Config(c.symbols(), c.minLen(), c.maxLen(), c.dModel(), c.heads(), Integer.parseInt(v), c.ffn(), c.batch(), c.steps(), c.lr(), c.warmup(), c.seed());
                case "--batch" -> new Config(c.symbols(), c.minLen(), c.maxLen(), c.dModel(), c.heads(), c.layers(), c.ffn(), Integer.parseInt(v), c.steps(), c.lr(), c.warmup(), c.seed());
                case "--lr" -> new Config(c.symbols(), c.minLen(), c.maxLen(), c.dModel(), c.heads(), c.layers(), c.ffn(), c.batch(), c.steps(), Float.parseFloat(v), c.warmup(), c.seed());
                case "--seed" -> new Config(c.symbols(), c.minLen(), c.maxLen(), c.dModel(), c.heads(), c.layers(), c.ffn(), c.batch(), c.steps(), c.lr(), c.warmup(), Long.parseLong(v));
                case "--held-out" -> { heldOut = Integer.parseInt(v); yield c; }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --steps --d-model --ffn --layers --batch --lr --seed --held-out");
            };
        }
        System.out.println(c);
        run(c, heldOut, System.out);
    }

    /** [..., V] logits as [rows, V]: the loss's class dimension is 1, as PyTorch's. */
    private static Tensor rowsOfClasses(Tensor logits) {
        return logits.reshape(-1, logits.size(-1));
    }
}
