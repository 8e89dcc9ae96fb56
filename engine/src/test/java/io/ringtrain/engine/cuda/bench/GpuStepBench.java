package io.ringtrain.engine.cuda.bench;

import io.ringtrain.engine.cuda.CudaDevice;
import io.ringtrain.engine.cuda.CudaRuntime;
import io.ringtrain.engine.cuda.DeviceBuffer;
import io.ringtrain.engine.cuda.EngineDevice;
import io.ringtrain.engine.cuda.MatmulPrecision;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.global.cudart;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deploy/bin/bench gpu-step}: sgemm n×n×n on the GPU (device-resident operands, cuBLAS through
 * {@code CudaBlas.sgemmDevice}) in FP32, TF32 and BF16 compute, against PyTorch's matmul on the same GPU
 * in the same run ({@code tools/bench/gpu_step_ref.py}, a child process). Both sides time each product
 * with CUDA events after warm-ups and report the median; GFLOP/s = 2n³ / time.
 *
 * <p>Then the training steps, ours with the GEMM offload ({@link EngineDevice}: GEMMs with
 * m·n·k ≥ 2²¹ on cuBLAS in FP32, everything else on the host CPU) and ours on the CPU alone, both against
 * PyTorch's ordinary full-GPU step in FP32 (TF32 off for matmul and cuDNN) on the same GPU in the same run:
 * <ul>
 *   <li>{@code fmnist_cnn}: forward + cross-entropy + backward + SGD with momentum and weight decay
 *       ({@code TrainFmnist.Session}), batch 256; samples/s from the median of 3 rounds of {@code --steps}
 *       steps after 5 warm-up steps (PyTorch: 10 warm-ups, 3 rounds of 20 steps);</li>
 *   <li>{@code encoder_layer}: Transformer encoder layer d 512, 8 heads, FFN 2048, batch 64 × seq 256,
 *       forward + loss Σ y·w + backward; steps/s from the median of {@code --step-reps} steps after one
 *       warm-up (PyTorch: 3 warm-ups, median of 10).</li>
 * </ul>
 * Ours is timed with the wall clock (the offload's copies are synchronous), PyTorch's spans end with
 * {@code torch.cuda.synchronize()}. The ratios are expected far below 1 while only GEMMs move to the GPU.
 *
 * <p>Arguments: {@code --size N} (8192), {@code --reps R} (10), {@code --python EXE} (env
 * RINGTRAIN_PYTHON, else {@code python3}: the GPU machine's python3 has PyTorch with CUDA),
 * {@code --ref-script PATH} (default {@code <ringtrain.root>/tools/bench/gpu_step_ref.py}),
 * {@code --models fmnist_cnn,encoder_layer} ({@code none} for sgemm only), {@code --steps S} (10),
 * {@code --step-reps R} (3), {@code --cpu-baseline true|false} (true: also time ours without the offload).
 */
public final class GpuStepBench {
    private static final int WARMUP = 3;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        int n = Integer.parseInt(opts.getOrDefault("size", "8192"));
        int reps = Integer.parseInt(opts.getOrDefault("reps", "10"));
        String python = opts.getOrDefault("python", System.getenv().getOrDefault("RINGTRAIN_PYTHON", "python3"));
        Path root = Path.of(System.getProperty("ringtrain.root", "."));
        Path refScript = Path.of(opts.getOrDefault("ref-script", root.resolve("tools/bench/gpu_step_ref.py").toString()));

        if (!CudaRuntime.available()) {
            System.err.println("gpu-step: no CUDA device (" + CudaRuntime.availability().reason() + "); nothing measured");
            System.exit(2);
        }
        CudaDevice gpu = CudaDevice.get(0);
        System.err.println("gpu-step: " + gpu + "; " + CudaRuntime.availability().reason());

        Map<MatmulPrecision, Double> oursMs = new HashMap<>();
        float[] host = new float[Math.multiplyExact(n, n)];
        SplittableRandom rng = new SplittableRandom(0);
        try (DeviceBuffer a = gpu.upload(fill(host, rng)); DeviceBuffer b = gpu.upload(fill(host, rng));
             DeviceBuffer c = gpu.allocateFloats((long) n * n)) {
            for (MatmulPrecision p : MatmulPrecision.values()) {
                oursMs.put(p, medianMs(gpu, p, n, reps, a, b, c));
            }
        }
        System.err.println("gpu-step: allocator " + gpu.allocator().stats());
        sgemmLines(gpu, n, reps, oursMs, python, refScript);

        String models = opts.getOrDefault("models", "fmnist_cnn,encoder_layer");
        if (!models.equals("none")) {
            boolean cpuBaseline = Boolean.parseBoolean(opts.getOrDefault("cpu-baseline", "true"));
            ModelSteps.run(gpu.name(), List.of(models.split(",")),
                    cpuBaseline ? List.of("gemm-offload", "cpu") : List.of("gemm-offload"),
                    Integer.parseInt(opts.getOrDefault("steps", "10")), Integer.parseInt(opts.getOrDefault("step-reps", "3")),
                    python, refScript);
        }
    }

    private static void sgemmLines(CudaDevice gpu, int n, int reps, Map<MatmulPrecision, Double> oursMs,
                                   String python, Path refScript) throws Exception {
        Map<String, Double> referenceMs = runReference(python, refScript, n, reps);
        for (MatmulPrecision p : MatmulPrecision.values()) {
            String key = p.name().toLowerCase(Locale.ROOT);
            double ours = gflops(n, oursMs.get(p));
            Double refMs = referenceMs.get(key);
            double reference = refMs == null ? Double.NaN : gflops(n, refMs);
            System.out.printf(Locale.ROOT,
                    "{\"bench\":\"gpu-step\",\"params\":{\"op\":\"sgemm\",\"m\":%d,\"n\":%d,\"k\":%d,\"precision\":\"%s\",\"gpu\":\"%s\",\"reps\":%d,\"statistic\":\"median\"},"
                            + "\"metric\":\"GFLOP/s\",\"ours\":%.1f,\"reference\":%s,\"ratio\":%s}%n",
                    n, n, n, key, gpu.name().replace("\"", "'"), reps, ours,
                    json(reference, "%.1f"), json(ours / reference, "%.3f"));
        }
    }

    /** Median of {@code reps} event-timed products after {@link #WARMUP} untimed ones, in ms. */
    private static double medianMs(CudaDevice gpu, MatmulPrecision p, int n, int reps, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) {
        for (int i = 0; i < WARMUP; i++) gpu.blas().sgemmDevice(p, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        gpu.synchronize();
        CUevent_st start = new CUevent_st(), end = new CUevent_st();
        check(cudart.cudaEventCreate(start), "cudaEventCreate");
        check(cudart.cudaEventCreate(end), "cudaEventCreate");
        double[] ms = new double[reps];
        float[] elapsed = new float[1];
        for (int r = 0; r < reps; r++) {
            check(cudart.cudaEventRecord(start, null), "cudaEventRecord");
            gpu.blas().sgemmDevice(p, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            check(cudart.cudaEventRecord(end, null), "cudaEventRecord");
            check(cudart.cudaEventSynchronize(end), "cudaEventSynchronize");
            check(cudart.cudaEventElapsedTime(elapsed, start, end), "cudaEventElapsedTime");
            ms[r] = elapsed[0];
        }
        cudart.cudaEventDestroy(start);
        cudart.cudaEventDestroy(end);
        Arrays.sort(ms);
        double median = reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
        System.err.printf(Locale.ROOT, "gpu-step: ours %s: median %.3f ms (min %.3f, max %.3f)%n", p, median, ms[0], ms[reps - 1]);
        return median;
    }

    /** Runs the PyTorch script; returns median ms by precision, or an empty map (reference NaN) if it fails. */
    private static Map<String, Double> runReference(String python, Path script, int n, int reps) throws Exception {
        Map<String, Double> ms = new HashMap<>();
        if (!Files.isRegularFile(script)) {
            System.err.println("gpu-step: reference script " + script + " not found (pass --ref-script); reference is NaN");
            return ms;
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--size", Integer.toString(n), "--reps", Integer.toString(reps)));
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Pattern line = Pattern.compile("\"precision\": \"(\\w+)\", \"median_ms\": ([0-9.eE+-]+)");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            for (String s; (s = out.readLine()) != null; ) {
                System.err.println("gpu-step: reference " + s);
                Matcher m = line.matcher(s);
                if (m.find()) ms.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        int rc = proc.waitFor();
        if (rc != 0) System.err.println("gpu-step: reference " + String.join(" ", cmd) + " exited with " + rc);
        return ms;
    }

    /** A JSON number, or null when the reference did not run (NaN is not JSON). */
    private static String json(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "null";
    }

    private static double gflops(int n, double ms) {
        return 2.0 * n * n * (double) n / (ms * 1e6);
    }

    private static float[] fill(float[] x, SplittableRandom rng) {
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    private static void check(int rc, String call) {
        if (rc != cudart.cudaSuccess) throw new IllegalStateException(call + " failed with cudaError " + rc);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("gpu-step: expected --name value pairs, got '" + args[i] + "'");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }
}
