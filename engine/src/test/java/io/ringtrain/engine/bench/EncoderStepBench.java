package io.ringtrain.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.Init;
import io.ringtrain.engine.functional.Workers;
import io.ringtrain.engine.nn.seq.FeedForwardActivation;
import io.ringtrain.engine.nn.seq.TransformerEncoderLayer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code deploy/bin/bench encoder-step [--seq 256,512] [--batch 8] [--steps 2] [--rounds 3] [--warmup 3] [--no-reference]}:
 * one BERT-base encoder layer (d_model 768, 12 heads, FFN 3072, exact GELU, post-LN, dropout 0),
 * forward + loss Σ y·w + backward, ours against PyTorch's {@code nn.TransformerEncoderLayer} on the CPU
 * ({@code tools/bench/encoder_step_ref.py}, as many threads as ours: {@code -Dringtrain.threads},
 * default the cores). The reference lives in a child process driven round by round: each round
 * runs {@code steps} steps of the reference and then {@code steps} of ours, so a slow spell of the
 * machine hits both; each side's median round is reported. Each side first runs {@code warmup} untimed
 * steps (ours needs a few for the JIT to compile the kernels; one step leaves the first rounds slow).
 *
 * <p>The reference's BLAS ({@link ReferenceBlas}): on the netlib reference BLAS the comparison says
 * nothing about PyTorch, so the ratio is left null (with a line on stderr) unless the reference
 * reports OpenBLAS.
 *
 * <p>Two JSON lines per sequence length:
 * <ul>
 *   <li>{@code steps_per_s}: ratio = ours ÷ reference.</li>
 *   <li>{@code peak_memory_bytes}: ratio = reference ÷ ours. The reference's is its peak resident set
 *       growth over its resident set before the layer and tensors were built. Ours is
 *       {@link PeakMemory}'s over the same baseline: the peak live memory (heap after a full collection
 *       plus direct buffers, sampled by back-to-back full collections during one untimed step) plus
 *       the young generation the timed steps ran in.</li>
 * </ul>
 */
public final class EncoderStepBench {
    private static final int D_MODEL = 768, HEADS = 12, FFN = 3072;

    private EncoderStepBench() {}

    public static void main(String[] args) throws Exception {
        int batch = 8, steps = 2, rounds = 3, warmup = 3;
        int[] seqs = {256, 512};
        boolean reference = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seq" -> seqs = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--no-reference" -> reference = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --seq 256,512 --batch N --steps N --rounds N --warmup N --no-reference)");
            }
        }
        int threads = Workers.threads();
        for (int seq : seqs) measure(batch, seq, steps, rounds, warmup, threads, reference);
    }

    private static void measure(int batch, int seq, int steps, int rounds, int warmup, int threads, boolean withReference) throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("d_model", D_MODEL);
        params.put("heads", HEADS);
        params.put("ffn", FFN);
        params.put("batch", batch);
        params.put("seq", seq);
        PeakMemory peakMemory = new PeakMemory();
        Init.manualSeed(0);
        SplittableRandom rng = new SplittableRandom(0);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(D_MODEL, HEADS, FFN, 0f, FeedForwardActivation.GELU, 1e-5f, true, false);
        Tensor x = Tensor.randn(rng, batch, seq, D_MODEL).requiresGrad(true);
        Tensor w = Tensor.randn(rng, batch, seq, D_MODEL);
        Runnable step = () -> {
            layer.zeroGrad();
            x.zeroGrad();
            layer.forward(x).mul(w).sum().backward();
        };
        try (Reference ref = withReference ? Reference.start(threads, batch, seq) : null) {
            for (int i = 0; i < warmup; i++) step.run();
            boolean comparable = ref == null || ref.warmUp(warmup);
            double[] ours = new double[rounds], theirs = new double[rounds];
            long referencePeak = 0;
            for (int r = 0; r < rounds; r++) {
                if (ref != null) {
                    JsonNode round = ref.round(steps);
                    theirs[r] = round.get("steps_per_s").asDouble();
                    referencePeak = Math.max(referencePeak, round.get("peak_rss_growth_bytes").asLong());
                }
                long timed = 0;
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    step.run();
                    timed += System.nanoTime() - t0;
                    peakMemory.sampleYoung();
                }
                ours[r] = steps / (timed / 1e9);
                System.err.printf(Locale.ROOT, "seq %d round %d: ours %.3f steps/s, reference %s (threads %d)%n", seq, r + 1, ours[r],
                        ref == null ? "-" : String.format(Locale.ROOT, "%.3f", theirs[r]), threads);
            }
            long oursPeak = peakMemory.measure(step, 1, "seq " + seq);
            report(params, "steps_per_s", BenchLine.median(ours), ref == null ? null : BenchLine.median(theirs), false, comparable);
            report(params, "peak_memory_bytes", oursPeak, ref == null ? null : (double) referencePeak, true, comparable);
        }
    }

    /** {@code comparable}: false when the reference ran on the netlib BLAS; the ratio is then null. */
    private static void report(Map<String, Object> params, String metric, double ours, Double reference, boolean lowerIsBetter,
                               boolean comparable) throws IOException {
        BenchLine.print("encoder-step", params, metric, ours, reference,
                reference == null || !comparable ? null : lowerIsBetter ? reference / ours : ours / reference);
    }

    /** The PyTorch child process of tools/bench/encoder_step_ref.py, one command line per request. */
    private static final class Reference implements AutoCloseable {
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;
        private final ObjectMapper json = new ObjectMapper();

        private Reference(Process process) {
            this.process = process;
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Reference start(int threads, int batch, int seq) throws IOException {
            File script = new File(System.getProperty("ringtrain.root", "."), "tools/bench/encoder_step_ref.py");
            if (!script.isFile()) throw new IOException(script + " not found; run from the project root or set -Dringtrain.root");
            List<String> cmd = new ArrayList<>(List.of(System.getenv().getOrDefault("RINGTRAIN_PYTHON", "/usr/bin/python3"), script.getPath(),
                    "--threads", Integer.toString(threads), "--d-model", Integer.toString(D_MODEL), "--heads", Integer.toString(HEADS),
                    "--ffn", Integer.toString(FFN), "--batch", Integer.toString(batch), "--seq", Integer.toString(seq)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            ReferenceBlas.configure(pb, threads);
            return new Reference(pb.start());
        }

        /** {@code steps} warm-up steps; true when the reference runs on OpenBLAS (false: on the netlib BLAS, said on stderr). */
        boolean warmUp(int steps) throws IOException {
            String blas = request("warmup " + steps).path("blas").asText("unknown");
            boolean openblas = blas.toLowerCase(Locale.ROOT).contains("openblas");
            System.err.println("reference BLAS: " + blas);
            if (!openblas) {
                System.err.println("the PyTorch reference is not on OpenBLAS (" + blas + "), so its GEMMs run on the netlib reference BLAS and no ratio is "
                        + "given; install libopenblas0-pthread or set RINGTRAIN_OPENBLAS to an extracted openblas-pthread/libopenblas.so.0");
            }
            return openblas;
        }

        JsonNode round(int steps) throws IOException {
            return request("round " + steps);
        }

        private JsonNode request(String command) throws IOException {
            in.println(command);
            String line = out.readLine();
            if (line == null) throw new IOException("the PyTorch reference exited (code " + exitCode() + ") before answering '" + command + "'");
            return json.readTree(line);
        }

        private String exitCode() {
            try {
                return Integer.toString(process.waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        @Override
        public void close() throws IOException {
            in.println("quit");
            in.close();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
            }
        }
    }
}
