package io.ringtrain.engine.bench;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.models.FmnistCnn;
import io.ringtrain.engine.models.TrainFmnist;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.functional.Workers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deploy/bin/bench cnn-step}: training throughput of fmnist-cnn (forward + cross-entropy +
 * backward + SGD step with momentum and weight decay, batch 64) in samples/s, ours vs PyTorch CPU
 * ({@code tools/bench/cnn_step_ref.py}, {@code torch.set_num_threads(threads)}) measured in the same
 * run. Both time {@code rounds} rounds of {@code steps} steps on one random batch after a warm-up
 * and report the median round. Prints one JSON line.
 *
 * <p>Options: {@code --batch 64 --steps 60 --rounds 3 --no-reference}. Our thread count is the
 * engine's ({@code -Dringtrain.threads}, default: the cores).
 */
public final class CnnStepBench {
    private CnnStepBench() {}

    public static void main(String[] args) throws Exception {
        int batch = 64, steps = 60, rounds = 3;
        boolean reference = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--no-reference" -> reference = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --batch N --steps N --rounds N --no-reference)");
            }
        }
        int threads = Workers.threads();
        double ours = measureOurs(batch, steps, rounds);
        Double ref = reference ? measureReference(batch, steps, rounds, threads) : null;
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"cnn-step\",\"params\":{\"batch\":%d,\"threads\":%d},\"metric\":\"samples_per_s\",\"ours\":%.1f,\"reference\":%s,\"ratio\":%s}",
                batch, threads, ours, ref == null ? "null" : String.format(Locale.ROOT, "%.1f", ref),
                ref == null ? "null" : String.format(Locale.ROOT, "%.3f", ours / ref)));
    }

    static double measureOurs(int batch, int steps, int rounds) {
        Init.manualSeed(0);
        FmnistCnn model = new FmnistCnn();
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = Tensor.randn(rng, batch, 1, 28, 28);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = rng.nextInt(10);
        // lr 0.05 without decay to zero: the schedule length only has to exceed the steps run.
        TrainFmnist.Session session = new TrainFmnist.Session(model, 0.05f, 0.9f, 5e-4f, 1_000_000L);
        for (int i = 0; i < 25; i++) session.step(x, y); // JIT warm-up
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) session.step(x, y);
            rates[r] = (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
            System.err.printf(Locale.ROOT, "ours round %d: %.1f samples/s%n", r + 1, rates[r]);
        }
        Arrays.sort(rates);
        return rates[rounds / 2];
    }

    static Double measureReference(int batch, int steps, int rounds, int threads) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("ringtrain.root", "."));
        Path script = root.resolve("tools/bench/cnn_step_ref.py");
        if (!Files.isRegularFile(script)) throw new IOException("reference script " + script + " not found; run from the project root or set -Dringtrain.root");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "--threads", Integer.toString(threads),
                "--batch", Integer.toString(batch), "--steps", Integer.toString(steps), "--rounds", Integer.toString(rounds)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        ReferenceBlas.configure(pb, threads);
        Process p = pb.start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = r.lines().reduce("", (a, b) -> a + b + "\n");
        }
        if (p.waitFor() != 0) throw new IOException("reference " + cmd + " failed (exit " + p.exitValue() + "): " + out);
        Matcher m = Pattern.compile("\"samples_per_s\": ([0-9.eE+-]+)").matcher(out);
        if (!m.find()) throw new IOException("no samples_per_s in the reference's output: " + out);
        System.err.print("reference: " + out);
        return Double.parseDouble(m.group(1));
    }
}
