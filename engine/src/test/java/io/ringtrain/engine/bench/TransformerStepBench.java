package io.ringtrain.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.LSTM;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * {@code deploy/bin/bench transformer-step [--reps N] [--threads T]}: forward + backward steps per
 * second of a Transformer encoder layer (d_model 256, 4 heads, FFN 1024, batch 32 × seq 128) and a
 * 2-layer LSTM (hidden 256, batch 32 × seq 64), ours against PyTorch CPU (tools/bench/transformer_step_ref.py,
 * 2 threads) started in the same run. One step = forward, loss Σ y·w, backward. Medians over reps
 * after one warm-up step. Prints one JSON line per model; ratio = ours / reference (higher is better).
 * The reference runs first so that the two never share the CPUs; {@code RINGTRAIN_PYTHON} overrides
 * /usr/bin/python3.
 */
public final class TransformerStepBench {
    private TransformerStepBench() {}

    public static void main(String[] args) throws Exception {
        int reps = 3, threads = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --reps N --threads T");
            }
        }
        Map<String, Double> reference = runReference(reps, threads);
        SplittableRandom rng = new SplittableRandom(0);
        Init.manualSeed(0);

        TransformerEncoderLayer enc = new TransformerEncoderLayer(256, 4, 1024, 0f, FeedForwardActivation.RELU, 1e-5f, true, false);
        Tensor x = Tensor.randn(rng, 32, 128, 256).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 32, 128, 256);
        report("encoder_layer", Map.of("d_model", 256, "heads", 4, "ffn", 1024, "batch", 32, "seq", 128),
                median(reps, () -> step(enc, x, () -> enc.forward(x).mul(w).sum())), reference.get("encoder_layer"), threads);

        LSTM lstm = new LSTM(256, 256, 2, false, true, 0f);
        Tensor xl = Tensor.randn(rng, 32, 64, 256).requiresGrad(true);
        Tensor wl = Tensor.randn(rng, 32, 64, 256);
        report("lstm2", Map.of("hidden", 256, "layers", 2, "input", 256, "batch", 32, "seq", 64),
                median(reps, () -> step(lstm, xl, () -> lstm.forward(xl).mul(wl).sum())), reference.get("lstm2"), threads);
    }

    private static double step(Module m, Tensor input, Supplier<Tensor> loss) {
        m.zeroGrad();
        input.zeroGrad();
        long t0 = System.nanoTime();
        loss.get().backward();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Steps per second from the median of {@code reps} timed steps after one warm-up step. */
    private static double median(int reps, Supplier<Double> timedStep) {
        timedStep.get();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) t[i] = timedStep.get();
        Arrays.sort(t);
        double med = reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
        return 1.0 / med;
    }

    private static void report(String model, Map<String, Object> shape, double ours, Double reference, int threads) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", model);
        params.putAll(new java.util.TreeMap<>(shape));
        params.put("reference_threads", threads);
        params.put("ours_threads", "engine default");
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", "transformer-step");
        line.put("params", params);
        line.put("metric", "steps_per_s");
        line.put("ours", ours);
        line.put("reference", reference);
        line.put("ratio", reference == null ? null : ours / reference);
        try {
            System.out.println(new ObjectMapper().writeValueAsString(line));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the PyTorch reference first (so the two do not share the CPUs); model → steps/s. */
    private static Map<String, Double> runReference(int reps, int threads) throws Exception {
        String root = System.getProperty("ringtrain.root", ".");
        File script = new File(root, "tools/bench/transformer_step_ref.py");
        if (!script.isFile()) throw new IllegalStateException(script + " not found; run from the project root or set -Dringtrain.root");
        List<String> cmd = new ArrayList<>(List.of(System.getenv().getOrDefault("RINGTRAIN_PYTHON", "/usr/bin/python3"), script.getPath(), "--threads", Integer.toString(threads),
                "--reps", Integer.toString(Math.max(reps, 3))));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        ReferenceBlas.configure(pb, threads);
        Process p = pb.start();
        Map<String, Double> out = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = json.readTree(line);
                out.put(n.get("model").asText(), n.get("steps_per_s").asDouble());
            }
        }
        if (p.waitFor() != 0) System.err.println("reference script exited with " + p.exitValue() + "; reference figures missing");
        return out;
    }
}
