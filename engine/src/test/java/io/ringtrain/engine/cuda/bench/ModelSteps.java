package io.ringtrain.engine.cuda.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cuda.CudaGemmOffload;
import io.ringtrain.engine.cuda.DeviceChoice;
import io.ringtrain.engine.cuda.EngineDevice;
import io.ringtrain.engine.cuda.MatmulPrecision;
import io.ringtrain.engine.models.FmnistCnn;
import io.ringtrain.engine.models.TrainFmnist;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training-step half of {@link GpuStepBench}: fmnist-cnn (batch 256) and a Transformer encoder layer
 * (batch 64 × seq 256, d 512), ours with the GEMM offload and ours on the CPU alone, against PyTorch's
 * full-GPU step from {@code gpu_step_ref.py --models ...}. See {@link GpuStepBench} for what is timed.
 */
final class ModelSteps {
    static final int CNN_BATCH = 256, ENC_BATCH = 64, ENC_SEQ = 256, D_MODEL = 512, HEADS = 8, FFN = 2048;

    private ModelSteps() {}

    /** {@code engines}: "gemm-offload" (needs a GPU) and/or "cpu"; {@code gpuName} goes into each line. */
    static void run(String gpuName, List<String> models, List<String> engines, int steps, int stepReps,
                    String python, Path refScript) throws Exception {
        Map<String, JsonNode> reference = runReference(python, refScript, models);
        for (String model : models) {
            JsonNode ref = reference.get(model);
            for (String engine : engines) {
                Backend backend = engine.equals("cpu") ? EngineDevice.backend(DeviceChoice.CPU)
                        : EngineDevice.backend(DeviceChoice.CUDA, MatmulPrecision.FP32, CudaGemmOffload.DEFAULT_MIN_WORK);
                double perS;
                try (Placement.Binding placed = Placement.bind(backend)) {
                    perS = switch (model) {
                        case "fmnist_cnn" -> cnnSamplesPerS(steps);
                        case "encoder_layer" -> encoderStepsPerS(stepReps);
                        default -> throw new IllegalArgumentException("gpu-step: unknown model " + model + " (fmnist_cnn, encoder_layer)");
                    };
                }
                if (backend instanceof CudaGemmOffload) System.err.println("gpu-step: " + model + ": " + backend);
                report(gpuName, model, engine, steps, stepReps, perS, ref);
            }
        }
    }

    /** Samples/s of fmnist-cnn training steps: median of 3 rounds of {@code steps} after 5 warm-ups. */
    private static double cnnSamplesPerS(int steps) {
        Init.manualSeed(0);
        FmnistCnn model = new FmnistCnn();
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = Tensor.randn(rng, CNN_BATCH, 1, 28, 28);
        int[] y = new int[CNN_BATCH];
        for (int i = 0; i < CNN_BATCH; i++) y[i] = rng.nextInt(10);
        TrainFmnist.Session session = new TrainFmnist.Session(model, 0.05f, 0.9f, 5e-4f, 1_000_000L);
        for (int i = 0; i < 5; i++) session.step(x, y);
        double[] rates = new double[3];
        for (int r = 0; r < rates.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) session.step(x, y);
            rates[r] = (double) steps * CNN_BATCH / ((System.nanoTime() - t0) / 1e9);
        }
        System.err.println("gpu-step: fmnist_cnn rounds (samples/s) " + Arrays.toString(rates));
        Arrays.sort(rates);
        return rates[1];
    }

    /** Steps/s of the encoder layer: median of {@code reps} forward+backward steps after one warm-up. */
    private static double encoderStepsPerS(int reps) {
        Init.manualSeed(0);
        SplittableRandom rng = new SplittableRandom(0);
        TransformerEncoderLayer enc = new TransformerEncoderLayer(D_MODEL, HEADS, FFN, 0f, FeedForwardActivation.RELU, 1e-5f, true, false);
        Tensor x = Tensor.randn(rng, ENC_BATCH, ENC_SEQ, D_MODEL).requiresGrad(true);
        Tensor w = Tensor.randn(rng, ENC_BATCH, ENC_SEQ, D_MODEL);
        double[] seconds = new double[reps + 1];
        for (int r = 0; r <= reps; r++) {
            enc.zeroGrad();
            x.zeroGrad();
            long t0 = System.nanoTime();
            enc.forward(x).mul(w).sum().backward();
            seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
        System.err.println("gpu-step: encoder_layer steps (s, first is the warm-up) " + Arrays.toString(seconds));
        double[] timed = Arrays.copyOfRange(seconds, 1, seconds.length);
        Arrays.sort(timed);
        double median = timed.length % 2 == 1 ? timed[timed.length / 2] : (timed[timed.length / 2 - 1] + timed[timed.length / 2]) / 2;
        return 1.0 / median;
    }

    private static void report(String gpuName, String model, String engine, int steps, int stepReps, double ours, JsonNode ref) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("op", model + "_step");
        if (model.equals("fmnist_cnn")) {
            params.put("batch", CNN_BATCH);
            params.put("statistic", "median of 3 rounds x " + steps + " steps");
        } else {
            params.putAll(Map.of("batch", ENC_BATCH, "seq", ENC_SEQ, "d_model", D_MODEL, "heads", HEADS, "ffn", FFN));
            params.put("statistic", "median of " + stepReps + " steps");
        }
        params.put("ours_engine", engine.equals("cpu")
                ? "cpu only (" + Runtime.getRuntime().availableProcessors() + " cores)"
                : "gemm-offload fp32 (m*n*k >= 2^21 on cuBLAS, rest on " + Runtime.getRuntime().availableProcessors() + " CPU cores)");
        params.put("reference", "pytorch full-gpu step, " + (ref == null ? "?" : ref.path("precision").asText()) + ", torch "
                + (ref == null ? "?" : ref.path("torch").asText()));
        params.put("gpu", gpuName);
        Double reference = ref == null ? null : ref.get("per_s").asDouble();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", "gpu-step");
        line.put("params", params);
        line.put("metric", model.equals("fmnist_cnn") ? "samples_per_s" : "steps_per_s");
        line.put("ours", round(ours));
        line.put("reference", reference == null ? null : round(reference));
        line.put("ratio", reference == null ? null : Math.round(ours / reference * 10000) / 10000.0);
        try {
            System.out.println(new ObjectMapper().writeValueAsString(line));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** PyTorch's full-GPU steps, model name → its JSON line; an empty map (reference null) if the script fails. */
    private static Map<String, JsonNode> runReference(String python, Path script, List<String> models) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        if (!Files.isRegularFile(script)) {
            System.err.println("gpu-step: reference script " + script + " not found (pass --ref-script); references are null");
            return out;
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--models", String.join(",", models),
                "--cnn-batch", Integer.toString(CNN_BATCH), "--enc-batch", Integer.toString(ENC_BATCH),
                "--enc-seq", Integer.toString(ENC_SEQ)));
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            for (String s; (s = r.readLine()) != null; ) {
                System.err.println("gpu-step: reference " + s);
                if (s.startsWith("{")) {
                    JsonNode n = json.readTree(s);
                    out.put(n.path("model").asText(), n);
                }
            }
        }
        int rc = proc.waitFor();
        if (rc != 0) System.err.println("gpu-step: reference " + String.join(" ", cmd) + " exited with " + rc);
        return out;
    }
}
