package io.ringtrain.jobs.augment.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.jobs.augment.Compose;
import io.ringtrain.jobs.augment.Image;
import io.ringtrain.jobs.augment.RandomApply;
import io.ringtrain.jobs.augment.Sample;
import io.ringtrain.jobs.augment.SampleRandom;
import io.ringtrain.jobs.augment.Transform;
import io.ringtrain.jobs.augment.geometric.HorizontalFlip;
import io.ringtrain.jobs.augment.geometric.Interpolation;
import io.ringtrain.jobs.augment.geometric.Jitter;
import io.ringtrain.jobs.augment.geometric.RandomCrop;
import io.ringtrain.jobs.augment.geometric.RandomResizedCrop;
import io.ringtrain.jobs.augment.geometric.Resize;
import io.ringtrain.jobs.augment.geometric.Rotate;
import io.ringtrain.jobs.augment.geometric.Translate;
import io.ringtrain.jobs.augment.geometric.VerticalFlip;
import io.ringtrain.jobs.augment.pixel.ColorAdjust;
import io.ringtrain.jobs.augment.pixel.ColorJitter;
import io.ringtrain.jobs.augment.pixel.Equalize;
import io.ringtrain.jobs.augment.pixel.GaussianBlur;
import io.ringtrain.jobs.augment.pixel.GaussianNoise;
import io.ringtrain.jobs.augment.pixel.GrayWorldWhiteBalance;
import io.ringtrain.jobs.augment.pixel.HsvJitter;
import io.ringtrain.jobs.augment.pixel.Normalize;
import io.ringtrain.jobs.augment.pixel.SaltAndPepper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code deploy/bin/bench augment [--seconds S] [--repeats R] [--only a,b] [--no-reference]}: images/s on one thread
 * for each transform and for the typical pipeline (random resized crop 224 + flip + colour jitter +
 * normalise) on a 224×224 RGB image, against torchvision 0.14's PIL and tensor forms measured in the
 * same run by tools/bench/augment_torchvision.py (torch.set_num_threads(1)), which serves one round
 * at a time so that our rounds and the reference's alternate. Each figure is the median of R rounds
 * of S CPU-seconds (process CPU time on both sides, so that a busy shared machine does not skew the
 * comparison) after a warm-up; every iteration draws fresh params (a new sample), as a data loader
 * would. The input is a uint8 image, as decoded data arrives (torchvision's: a uint8 tensor). The
 * pipeline includes converting the uint8 HWC input into our image, as torchvision's includes
 * ToTensor / ConvertImageDtype.
 */
public final class AugmentBench {
    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] STD = {0.229, 0.224, 0.225};

    static Map<String, Transform<?>> cases() {
        Map<String, Transform<?>> c = new LinkedHashMap<>();
        c.put("horizontal_flip", new HorizontalFlip());
        c.put("vertical_flip", new VerticalFlip());
        c.put("rotate", new Rotate(-30, 30, Interpolation.BILINEAR, false, 0));
        c.put("random_crop", new RandomCrop(192, 192));
        c.put("random_resized_crop", RandomResizedCrop.ofSize(224, 224));
        c.put("resize", Resize.to(160, 160, Interpolation.BILINEAR));
        c.put("translate", new Translate(0.1, 0.1, 0));
        c.put("jitter", new Jitter(new double[] {-10, 10}, 0.05, 0.05, new double[] {0.9, 1.1}, new double[] {-5, 5}, new double[] {0, 0},
                Interpolation.BILINEAR, 0));
        c.put("gaussian_blur", new GaussianBlur(7, 0.1, 2.0));
        c.put("gaussian_noise", new GaussianNoise(0, 10, 10, true));
        c.put("salt_and_pepper", new SaltAndPepper(0.02, 0.5));
        c.put("brightness", new ColorAdjust(ColorAdjust.Kind.BRIGHTNESS, 0.6, 1.4));
        c.put("contrast", new ColorAdjust(ColorAdjust.Kind.CONTRAST, 0.6, 1.4));
        c.put("saturation", new ColorAdjust(ColorAdjust.Kind.SATURATION, 0.6, 1.4));
        c.put("hue", new ColorAdjust(ColorAdjust.Kind.HUE, -0.1, 0.1));
        c.put("color_jitter", new ColorJitter(0.4, 0.4, 0.4, 0.1));
        c.put("hsv_jitter", new HsvJitter(20, 0.2, 0.2));
        c.put("equalize", new Equalize(Equalize.Mode.PER_CHANNEL));
        c.put("gray_world", new GrayWorldWhiteBalance());
        c.put("normalize", new Normalize(MEAN, STD));
        return c;
    }

    static Transform<?> pipeline() {
        return Compose.of(RandomResizedCrop.ofSize(224, 224), new RandomApply(new HorizontalFlip(), 0.5),
                new ColorJitter(0.4, 0.4, 0.4, 0.1), new Normalize(MEAN, STD));
    }

    public static void main(String[] args) throws Exception {
        double seconds = 0.3;
        int repeats = 3;
        String only = "";
        boolean withReference = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--no-reference" -> withReference = false;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; use --seconds S, --repeats R, --only a,b, --no-reference");
            }
        }
        List<String> wanted = only.isEmpty() ? List.of() : Arrays.asList(only.split(","));
        SplittableRandom pixels = new SplittableRandom(0);
        byte[] hwc = new byte[224 * 224 * 3];
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = (byte) pixels.nextInt(256);
        }
        Sample input = Sample.of(Image.fromHwcBytes(hwc, 224, 224, 3));

        Map<String, Work> work = new LinkedHashMap<>();
        for (Map.Entry<String, Transform<?>> e : cases().entrySet()) {
            Transform<?> t = e.getValue();
            work.put(e.getKey(), seed -> t.apply(input, SampleRandom.forSample(1, 0, seed)));
        }
        Transform<?> p = pipeline();
        work.put("pipeline", seed -> p.apply(Sample.of(Image.fromHwcBytes(hwc, 224, 224, 3)), SampleRandom.forSample(1, 0, seed)));

        ObjectMapper json = new ObjectMapper();
        try (Reference reference = withReference ? Reference.start(json) : null) {
            for (Map.Entry<String, Work> e : work.entrySet()) {
                if (!wanted.isEmpty() && !wanted.contains(e.getKey())) {
                    continue;
                }
                String metric = e.getKey();
                warmUp(e.getValue(), seconds);
                double[] ours = new double[repeats];
                Map<String, double[]> theirs = Map.of("tensor", new double[repeats], "pil", new double[repeats]);
                boolean[] hasReference = {reference != null, reference != null};
                for (int r = 0; r < repeats; r++) {
                    ours[r] = oneRound(e.getValue(), seconds);
                    int f = 0;
                    for (String form : FORMS) {
                        Double rate = reference == null ? null : reference.round(metric, form, seconds);
                        hasReference[f] &= rate != null;
                        theirs.get(form)[r] = rate == null ? Double.NaN : rate;
                        f++;
                    }
                }
                for (int f = 0; f < FORMS.length; f++) {
                    Double ref = hasReference[f] ? median(theirs.get(FORMS[f])) : null;
                    System.out.println(json.writeValueAsString(line(json, metric, FORMS[f], median(ours), ref)));
                }
            }
        }
    }

    private static final String[] FORMS = {"tensor", "pil"};

    private static ObjectNode line(ObjectMapper json, String metric, String form, double ours, Double reference) {
        ObjectNode line = json.createObjectNode();
        line.put("bench", "augment");
        ObjectNode params = line.putObject("params");
        params.put("image", "224x224x3");
        params.put("input", "uint8");
        params.put("threads", 1);
        params.put("clock", "process-cpu-time");
        params.put("reference", "torchvision-" + form);
        params.put("java", System.getProperty("java.version"));
        line.put("metric", metric);
        line.put("unit", "images/s");
        line.put("ours", round(ours));
        if (reference == null) {
            line.putNull("reference");
            line.putNull("ratio");
        } else {
            line.put("reference", round(reference));
            line.put("ratio", Math.round(ours / reference * 100) / 100.0);
        }
        return line;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    interface Work {
        Sample run(long seed);
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static long seed;
    private static long sink;

    /**
     * Runs for at least 1 CPU-second of process CPU time (all threads: JIT, GC), so that C2 has
     * compiled the kernels before the first round: compiling the Vector API kernels takes a good
     * part of that, and 0.5 s left the pipeline figure 3-8x low.
     */
    static void warmUp(Work work, double seconds) {
        long warmEnd = OS.getProcessCpuTime() + (long) (Math.max(seconds, 1.0) * 1e9);
        while (OS.getProcessCpuTime() < warmEnd) {
            sink += work.run(seed++).image().width();
        }
    }

    /**
     * Images per CPU-second over one round of at least {@code seconds} of process CPU time, not wall
     * time, so that other work on a shared machine does not distort the figure; the Python reference
     * uses time.process_time() the same way.
     */
    static double oneRound(Work work, double seconds) {
        long n = 0;
        long start = OS.getProcessCpuTime();
        long elapsed;
        do {
            sink += work.run(seed++).image().width();
            n++;
            elapsed = OS.getProcessCpuTime() - start;
        } while (elapsed < seconds * 1e9);
        if (sink == 42) {
            System.err.print("");
        }
        return n / (elapsed / 1e9);
    }

    /** tools/bench/augment_torchvision.py --serve: one reference round per request. */
    private static final class Reference implements AutoCloseable {
        private final Process process;
        private final BufferedWriter requests;
        private final BufferedReader answers;
        private final ObjectMapper json;

        private Reference(Process process, ObjectMapper json) {
            this.process = process;
            this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.json = json;
        }

        /** The running reference, or null (after one line on stderr) where Python cannot be started. */
        static Reference start(ObjectMapper json) {
            Path script = root().resolve("tools/bench/augment_torchvision.py");
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), "--serve").redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("OMP_NUM_THREADS", "1");
            // glibc keeps what torch frees, instead of returning large blocks to the system and
            // page-faulting them in again on the next call: the reference's steady state, as the
            // pre-touched heap is ours (page faults made its gaussian_blur figure swing by an order of magnitude between runs)
            pb.environment().put("MALLOC_MMAP_THRESHOLD_", Integer.toString(1 << 30));
            pb.environment().put("MALLOC_TRIM_THRESHOLD_", Integer.toString(1 << 30));
            try {
                return new Reference(pb.start(), json);
            } catch (IOException e) {
                System.err.println("torchvision reference not run (" + e.getMessage() + "): install python3-torchvision; printing our figures only");
                return null;
            }
        }

        /** One round's images/s, or null where torchvision has no such case or the reference has stopped. */
        Double round(String metric, String form, double seconds) throws IOException {
            ObjectNode request = json.createObjectNode();
            request.put("metric", metric);
            request.put("form", form);
            request.put("seconds", seconds);
            requests.write(json.writeValueAsString(request));
            requests.newLine();
            requests.flush();
            String answer;
            while ((answer = answers.readLine()) != null && !answer.startsWith("{")) {
                // torch may print warnings on stdout; only JSON lines are answers
            }
            if (answer == null) {
                throw new IOException("torchvision reference exited with " + exitCode() + " before answering " + metric + "/" + form
                        + "; run /usr/bin/python3 tools/bench/augment_torchvision.py to see why");
            }
            JsonNode rate = json.readTree(answer).get("rate");
            return rate == null || rate.isNull() ? null : rate.asDouble();
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
        public void close() throws IOException, InterruptedException {
            requests.close();
            process.waitFor();
        }
    }

    private static Path root() {
        String prop = System.getProperty("ringtrain.root");
        if (prop != null) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("tools/bench/augment_torchvision.py"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find tools/bench/augment_torchvision.py above " + Paths.get("").toAbsolutePath()
                + "; run from the repository or pass -Dringtrain.root=...");
    }
}
