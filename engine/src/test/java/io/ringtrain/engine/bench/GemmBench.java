package io.ringtrain.engine.bench;

import io.ringtrain.engine.cpu.CpuKernels;
import io.ringtrain.engine.cpu.CpuPool;
import io.ringtrain.engine.cpu.Gemm;
import io.ringtrain.engine.cpu.KernelWarmUp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deploy/bin/bench gemm [--sizes 256,512,1024,2048] [--threads 2] [--seconds 1] [--rounds 3]}:
 * square row-major sgemm C = A·B, GFLOP/s (2n³ flops per call) of {@link Gemm} against OpenBLAS,
 * timed in the same run by {@code tools/bench/gemm_ref.py} (cblas_sgemm via ctypes, same thread
 * count). The machine is shared, so for each n the two alternate for several rounds (reference,
 * ours, reference, ours ...), each round timing at least seconds/rounds (at least 5 calls) after
 * a warm-up, and the figure is the median over all timed calls of each side. Prints one JSON
 * line per n on stdout; which kernels and which OpenBLAS core were used goes to stderr.
 */
public final class GemmBench {
    private GemmBench() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = {256, 512, 1024, 2048};
        int threads = 2;
        double seconds = 1.5;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: gemm [--sizes 256,512,1024,2048] [--threads 2] [--seconds 1.5] [--rounds 3]");
            }
        }
        CpuPool pool = new CpuPool(threads);
        System.err.printf("gemm: ours = %s on %d threads, JDK %s%n", CpuKernels.active().description(), threads,
                Runtime.version());
        System.err.printf("gemm: kernel warm-up took %.2f s%n", KernelWarmUp.run());
        Path script = projectRoot().resolve("tools/bench/gemm_ref.py");
        for (int n : sizes) {
            List<Double> referenceTimes = new ArrayList<>(), ourTimes = new ArrayList<>();
            String library = null;
            for (int round = 0; round < rounds; round++) {
                Reference reference = reference(script, n, threads, seconds / rounds);
                referenceTimes.addAll(reference.times);
                library = reference.library;
                ourTimes.addAll(ours(pool, n, seconds / rounds));
            }
            double flops = 2.0 * n * n * n;
            double ours = flops / median(ourTimes) / 1e9;
            Reference reference = new Reference(flops / median(referenceTimes) / 1e9, library, referenceTimes);
            System.out.println(String.format(Locale.ROOT,
                    "{\"bench\":\"gemm\",\"params\":{\"n\":%d,\"threads\":%d},\"metric\":\"gflops\","
                            + "\"ours\":%.2f,\"reference\":%.2f,\"ratio\":%.3f,\"reference_impl\":\"%s\"}",
                    n, threads, ours, reference.gflops, ours / reference.gflops, reference.library));
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** Seconds per call of Gemm.sgemm on n×n matrices, every timed call. */
    static List<Double> ours(CpuPool pool, int n, double seconds) {
        Random random = new Random(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        Runnable call = () -> Gemm.sgemm(pool, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        // Warm-up: enough calls for C2 to compile the micro-kernel (the first calls run interpreted).
        long warmUntil = System.nanoTime() + (long) (0.5e9 * Math.max(seconds, 0.2));
        for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) call.run();
        List<Double> times = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (times.size() < 5 || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            call.run();
            times.add((System.nanoTime() - t0) * 1e-9);
        }
        return times;
    }

    private record Reference(double gflops, String library, List<Double> times) {}

    private static final Pattern GFLOPS = Pattern.compile("\"gflops\":\\s*([0-9.eE+-]+)");
    private static final Pattern TIMES = Pattern.compile("\"times_s\":\\s*\\[([^\\]]*)\\]");
    private static final Pattern LIBRARY = Pattern.compile("\"library\":\\s*\"([^\"]*)\"");

    /** Runs the OpenBLAS reference for one size in a child process (stderr passes through). */
    static Reference reference(Path script, int n, int threads, double seconds) throws IOException, InterruptedException {
        List<String> command = List.of("/usr/bin/python3", script.toString(), "--threads", Integer.toString(threads),
                "--sizes", Integer.toString(n), "--min-seconds", Double.toString(seconds));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().remove("OPENBLAS_L2_SIZE");
        Process process = builder.start();
        String line;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            while ((line = reader.readLine()) != null) output.append(line).append('\n');
        }
        int exit = process.waitFor();
        Matcher gflops = GFLOPS.matcher(output), library = LIBRARY.matcher(output), times = TIMES.matcher(output);
        if (exit != 0 || !gflops.find() || !library.find() || !times.find()) {
            throw new IllegalStateException("reference " + command + " failed (exit " + exit + "), output: " + output
                    + "; it needs /usr/bin/python3 with numpy, and OpenBLAS (RINGTRAIN_OPENBLAS=/path/libopenblas.so)");
        }
        List<Double> callSeconds = new ArrayList<>();
        for (String t : times.group(1).split(",")) callSeconds.add(Double.parseDouble(t.trim()));
        return new Reference(Double.parseDouble(gflops.group(1)), library.group(1), callSeconds);
    }

    /** The repository root: -Dringtrain.root (set by deploy/bin/bench), else the nearest folder above with tools/bench. */
    static Path projectRoot() {
        String root = System.getProperty("ringtrain.root");
        if (root != null) return Paths.get(root);
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("tools/bench"))) return p;
        }
        throw new IllegalStateException("cannot find tools/bench above " + Paths.get("").toAbsolutePath()
                + ": run from the repository, or pass -Dringtrain.root=/path/to/repo");
    }
}
