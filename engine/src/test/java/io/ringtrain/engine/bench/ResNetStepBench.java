package io.ringtrain.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.loss.CrossEntropyLoss;
import io.ringtrain.engine.models.ResNet;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.functional.Workers;
import io.ringtrain.engine.optim.SGD;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code deploy/bin/bench resnet-step}: training throughput of torchvision's ResNet-18 ({@code --model resnet50}: ResNet-50) (forward +
 * cross-entropy + backward + SGD with momentum 0.9 and weight decay 5e-4), ours against PyTorch CPU
 * ({@code tools/bench/resnet_step_ref.py}, {@code torch.set_num_threads} = our thread count), on
 * [32, 3, 32, 32] (cifar stem) and [16, 3, 224, 224] (ImageNet stem), 10 classes, one random batch.
 *
 * <p>The reference runs as a child process that waits on its stdin between rounds, so the two sides
 * never share the CPUs and their rounds interleave (ours, then its, {@code rounds} times), so a slow
 * spell of the machine hits both. Each round times {@code steps} steps after {@code warmup} steps
 * (5: with 2, our rounds still sped up one after another as the JIT compiled, 15 → 20 → 24 samples/s at 32×32);
 * the median round is reported, in samples/s (ratio = ours / reference).
 *
 * <p>For 224×224 also {@code peak_memory_bytes}, ratio = reference / ours (higher is better):
 * the reference's peak resident set (getrusage) minus its resident set before the model was built;
 * ours, {@link PeakMemory}'s: peak live bytes (sampled by full collections during two untimed steps
 * after the rounds) plus the young generation, over the live bytes before the model was built, at
 * the -Xmx that deploy/bin/bench gives this bench. Its parts, our peak RSS growth and the heap pools'
 * peak use go to stderr beside it.
 *
 * <p>Options: {@code --steps 3 --rounds 3 --warmup 5 --input 32|224 (one case only) --model resnet18|resnet50 --no-reference}.
 * Prints one JSON line per measurement.
 */
public final class ResNetStepBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLASSES = 10;

    private ResNetStepBench() {}

    public static void main(String[] args) throws Exception {
        int steps = 3, rounds = 3, warmup = 5;
        boolean reference = true;
        String only = null;
        String model = "resnet18";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--input" -> only = args[++i];
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--no-reference" -> reference = false;
                case "--model" -> model = args[++i];
                default -> {
                    System.err.println("unknown option " + args[i] + " (known: --steps N --rounds N --warmup N --input 32|224 --model resnet18|resnet50 --no-reference)");
                    System.exit(2);
                }
            }
        }
        if (only != null && !only.equals("32") && !only.equals("224")) {
            System.err.println("--input " + only + ": the bench has the inputs 32 (3x32x32, batch 32) and 224 (3x224x224, batch 16)");
            System.exit(2);
        }
        if (!model.equals("resnet18") && !model.equals("resnet50")) {
            System.err.println("--model " + model + ": the bench has the models resnet18 and resnet50");
            System.exit(2);
        }
        int threads = Workers.threads();
        if (only == null || only.equals("32")) run(model, 32, 32, steps, rounds, warmup, threads, reference, false);
        if (only == null || only.equals("224")) run(model, 224, 16, steps, rounds, warmup, threads, reference, true);
    }

    private static void run(String model, int size, int batch, int steps, int rounds, int warmup, int threads, boolean withReference, boolean memory)
            throws IOException, InterruptedException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", model);
        params.put("input", "3x" + size + "x" + size);
        params.put("batch", batch);
        params.put("threads", threads);
        Reference ref = withReference ? new Reference(model, size, batch, steps, warmup, threads) : null;
        try {
            double[] ours = new double[rounds], theirs = new double[rounds];
            PeakMemory peakMemory = memory ? new PeakMemory() : null;
            Step step = new Step(model, size, batch);
            for (int i = 0; i < warmup; i++) step.run();
            for (int r = 0; r < rounds; r++) {
                long timed = 0;
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    step.run();
                    timed += System.nanoTime() - t0;
                    if (peakMemory != null) peakMemory.sampleYoung();
                }
                ours[r] = (double) steps * batch / (timed / 1e9);
                System.err.printf(Locale.ROOT, "%s ours round %d: %.2f samples/s%n", params.get("input"), r + 1, ours[r]);
                if (ref != null) {
                    theirs[r] = ref.command("round").get("samples_per_s").asDouble();
                    System.err.printf(Locale.ROOT, "%s reference round %d: %.2f samples/s%n", params.get("input"), r + 1, theirs[r]);
                }
            }
            double oursRate = BenchLine.median(ours);
            Double refRate = ref == null ? null : BenchLine.median(theirs);
            BenchLine.print("resnet-step", params, "samples_per_s", oursRate, refRate, refRate == null ? null : oursRate / refRate);
            if (peakMemory != null) {
                long oursPeak = peakMemory.measure(step::run, 2, params.get("input").toString());
                Long refPeak = ref == null ? null : ref.command("memory").get("peak_rss_growth_bytes").asLong();
                BenchLine.print("resnet-step", params, "peak_memory_bytes", oursPeak, refPeak, refPeak == null ? null : (double) refPeak / oursPeak);
            }
        } finally {
            if (ref != null) ref.close();
        }
    }

    /** One ResNet training step on a fixed random batch, as the reference's. */
    private static final class Step {
        private final ResNet model;
        private final SGD optimizer;
        private final CrossEntropyLoss criterion = new CrossEntropyLoss();
        private final Tensor x;
        private final int[] y;

        Step(String name, int size, int batch) {
            Init.manualSeed(0);
            ResNet.Stem stem = size <= 64 ? ResNet.Stem.CIFAR : ResNet.Stem.IMAGENET;
            model = name.equals("resnet50") ? ResNet.resnet50(3, CLASSES, stem) : ResNet.resnet18(3, CLASSES, stem);
            model.train();
            optimizer = new SGD(model.parameters(), 0.01).momentum(0.9).weightDecay(5e-4);
            SplittableRandom rng = new SplittableRandom(1);
            x = Tensor.randn(rng, batch, 3, size, size);
            y = new int[batch];
            for (int i = 0; i < batch; i++) y[i] = rng.nextInt(CLASSES);
        }

        void run() {
            optimizer.zeroGrad();
            criterion.forward(model.forward(x), y).backward();
            optimizer.step();
        }
    }

    /** The reference process, idle on its stdin between commands. */
    private static final class Reference implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BufferedReader out;

        Reference(String model, int size, int batch, int steps, int warmup, int threads) throws IOException {
            Path script = Path.of(System.getProperty("ringtrain.root", ".")).resolve("tools/bench/resnet_step_ref.py");
            if (!Files.isRegularFile(script)) throw new IOException("reference script " + script + " not found; run from the project root or set -Dringtrain.root");
            List<String> cmd = new ArrayList<>(List.of(System.getenv().getOrDefault("RINGTRAIN_PYTHON", "/usr/bin/python3"), script.toString(),
                    "--threads", Integer.toString(threads), "--batch", Integer.toString(batch), "--size", Integer.toString(size),
                    "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup), "--model", model));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            ReferenceBlas.configure(pb, threads);
            process = pb.start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            JsonNode ready = readLine();
            if (!ready.path("ready").asBoolean()) throw new IOException("reference did not start: " + ready);
        }

        JsonNode command(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
            return readLine();
        }

        private JsonNode readLine() throws IOException {
            String line = out.readLine();
            if (line == null) throw new IOException("the reference process ended early (exit " + (process.isAlive() ? "?" : process.exitValue()) + "); see its stderr above");
            return JSON.readTree(line);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            in.close();
            process.waitFor();
        }
    }
}
