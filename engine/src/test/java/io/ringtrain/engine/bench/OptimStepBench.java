package io.ringtrain.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.optim.Adam;
import io.ringtrain.engine.optim.AdamW;
import io.ringtrain.engine.optim.Optimizer;
import io.ringtrain.engine.optim.SGD;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * {@code deploy/bin/bench optim-step [repeats] [referenceThreads]}: median time of one optimizer
 * step (every parameter has a gradient) for the fmnist-cnn parameter set and a 10M-parameter MLP,
 * ours (one thread: the update loops are not parallelised) vs PyTorch 1.13's single-tensor CPU
 * implementation (tools/bench/optim_step.py, same shapes and hyper-parameters, run in the same
 * invocation) on {@code referenceThreads} threads (default 1, the like-for-like comparison).
 * metric "ms_per_step", ratio = reference / ours (higher is better).
 */
public final class OptimStepBench {
    private static final Map<String, int[][]> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("fmnist-cnn", new int[][] {{32, 1, 3, 3}, {32}, {32}, {32}, {64, 32, 3, 3}, {64}, {64}, {64}, {128, 3136}, {128}, {10, 128}, {10}});
        MODELS.put("mlp-10m", new int[][] {{2500, 1000}, {2500}, {2500, 1000}, {2500}, {2500, 1000}, {2500}, {2500, 1000}, {2500}});
    }

    private static final Map<String, Function<List<Tensor>, Optimizer>> OPTIMIZERS = new LinkedHashMap<>();

    static {
        OPTIMIZERS.put("sgd-momentum", ps -> new SGD(ps, 0.05).momentum(0.9).weightDecay(5e-4));
        OPTIMIZERS.put("adam", ps -> new Adam(ps, 1e-3));
        OPTIMIZERS.put("adamw", ps -> new AdamW(ps, 1e-3).weightDecay(0.01));
    }

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int referenceThreads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Map<String, Double> reference = runReference(referenceThreads, repeats);
        SplittableRandom rng = new SplittableRandom(0);
        ObjectMapper json = new ObjectMapper();
        // Two passes over all cases, the second measured, as the reference does: the first seconds
        // of a process here run several times slower, and the JIT compiles during the first pass.
        for (boolean measuredPass : new boolean[] {false, true}) {
            for (Map.Entry<String, int[][]> model : MODELS.entrySet()) {
                for (Map.Entry<String, Function<List<Tensor>, Optimizer>> opt : OPTIMIZERS.entrySet()) {
                    List<Tensor> params = new ArrayList<>();
                    long count = 0;
                    for (int[] shape : model.getValue()) {
                        Tensor p = Tensor.randn(rng, shape).requiresGrad(true);
                        float[] g = Tensor.randn(rng, shape).toArray();
                        for (int i = 0; i < g.length; i++) g[i] *= 1e-3f;
                        p.setGrad(g);
                        params.add(p);
                        count += p.numel();
                    }
                    Optimizer optimizer = opt.getValue().apply(params);
                    long warmEnd = System.nanoTime() + 500_000_000L;
                    while (System.nanoTime() < warmEnd) optimizer.step();
                    double ours = medianStepSeconds(optimizer, repeats);
                    if (!measuredPass) continue;
                    Double ref = reference.get(model.getKey() + "/" + opt.getKey());
                    Map<String, Object> params2 = new LinkedHashMap<>();
                    params2.put("model", model.getKey());
                    params2.put("parameters", count);
                    params2.put("optimizer", opt.getKey());
                    params2.put("threads", 1);
                    params2.put("reference_threads", referenceThreads);
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("bench", "optim-step");
                    line.put("params", params2);
                    line.put("metric", "ms_per_step");
                    line.put("ours", round(ours * 1e3));
                    line.put("reference", ref == null ? null : round(ref * 1e3));
                    line.put("ratio", ref == null ? null : round(ref / ours));
                    System.out.println(json.writeValueAsString(line));
                }
            }
        }
    }

    /** Median seconds per step over {@code repeats} steps. */
    private static double medianStepSeconds(Optimizer optimizer, int repeats) {
        double[] times = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            optimizer.step();
            times[r] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return times[repeats / 2];
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Runs the PyTorch script; missing Python gives an empty map (the lines then carry reference null). */
    private static Map<String, Double> runReference(int threads, int repeats) {
        Map<String, Double> out = new HashMap<>();
        Path root = Path.of(System.getProperty("ringtrain.root", "."));
        try {
            Process process = new ProcessBuilder("/usr/bin/python3", root.resolve("tools/bench/optim_step.py").toString(),
                    Integer.toString(threads), Integer.toString(repeats)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonNode n = json.readTree(line);
                    out.put(n.get("model").asText() + "/" + n.get("optimizer").asText(), n.get("seconds").asDouble());
                }
            }
            if (process.waitFor() != 0) System.err.println("optim-step: the PyTorch reference exited with " + process.exitValue());
        } catch (Exception e) {
            System.err.println("optim-step: no PyTorch reference (" + e.getMessage() + "); install python3-torch");
        }
        return out;
    }
}
