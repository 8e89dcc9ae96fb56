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
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code deploy/bin/bench augment [--seconds S] [--repeats R] [--only a,b] [--no-reference]}: images/s on one thread
 * for each transform and for the typical pipeline (random resized crop 224 + flip + colour jitter +
 * normalise) on a 224×224 RGB image, against torchvision 0.14's PIL and tensor forms measured in the
 * same run by tools/bench/augment_torchvision.py (torch.set_num_threads(1)). Each figure is the median
 * of R runs of S CPU-seconds (process CPU time on both sides, so that a busy shared machine does not
 * skew the comparison) after a warm-up; every iteration draws fresh params (a new sample), as a
 * data loader would. The pipeline includes converting the uint8 HWC input into our float image, as
 * torchvision's includes ToTensor / ConvertImageDtype.
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

        Map<String, Double> ours = new LinkedHashMap<>();
        for (Map.Entry<String, Transform<?>> e : cases().entrySet()) {
            if (wanted.isEmpty() || wanted.contains(e.getKey())) {
                Transform<?> t = e.getValue();
                ours.put(e.getKey(), rate(seed -> t.apply(input, SampleRandom.forSample(1, 0, seed)), seconds, repeats));
            }
        }
        if (wanted.isEmpty() || wanted.contains("pipeline")) {
            Transform<?> p = pipeline();
            ours.put("pipeline", rate(seed -> p.apply(Sample.of(Image.fromHwcBytes(hwc, 224, 224, 3)), SampleRandom.forSample(1, 0, seed)), seconds, repeats));
        }

        Map<String, JsonNode> reference = withReference ? torchvision(seconds, repeats, only) : Map.of();
        ObjectMapper json = new ObjectMapper();
        for (Map.Entry<String, Double> e : ours.entrySet()) {
            JsonNode ref = reference.get(e.getKey());
            for (String form : new String[] {"tensor", "pil"}) {
                ObjectNode line = json.createObjectNode();
                line.put("bench", "augment");
                ObjectNode params = line.putObject("params");
                params.put("image", "224x224x3");
                params.put("threads", 1);
                params.put("clock", "process-cpu-time");
                params.put("reference", "torchvision-" + form);
                params.put("java", System.getProperty("java.version"));
                line.put("metric", e.getKey());
                line.put("unit", "images/s");
                line.put("ours", round(e.getValue()));
                JsonNode r = ref == null ? null : ref.get(form);
                if (r == null || r.isNull()) {
                    line.putNull("reference");
                    line.putNull("ratio");
                } else {
                    line.put("reference", round(r.asDouble()));
                    line.put("ratio", Math.round(e.getValue() / r.asDouble() * 100) / 100.0);
                }
                System.out.println(json.writeValueAsString(line));
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    interface Work {
        Sample run(long seed);
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * Median images per CPU-second of {@code repeats} runs of {@code seconds} CPU-seconds each, after a
     * warm-up. CPU time of the whole process (all its threads: JIT, GC) is the clock, not wall time,
     * so that other work on a shared machine does not distort the figure; the Python reference uses
     * time.process_time() the same way.
     */
    static double rate(Work work, double seconds, int repeats) {
        long seed = 0;
        long sink = 0;
        // at least 1 CPU-second: C2 compiling the Vector API kernels takes a good part of that, and
        // compiler threads count in process CPU time (0.5 s left the pipeline figure 3-8x low)
        long warmEnd = OS.getProcessCpuTime() + (long) (Math.max(seconds, 1.0) * 1e9);
        while (OS.getProcessCpuTime() < warmEnd) {
            sink += work.run(seed++).image().width();
        }
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long n = 0;
            long start = OS.getProcessCpuTime();
            long elapsed;
            do {
                sink += work.run(seed++).image().width();
                n++;
                elapsed = OS.getProcessCpuTime() - start;
            } while (elapsed < seconds * 1e9);
            rates[r] = n / (elapsed / 1e9);
        }
        if (sink == 42) {
            System.err.print("");
        }
        Arrays.sort(rates);
        return rates[repeats / 2];
    }

    private static Map<String, JsonNode> torchvision(double seconds, int repeats, String only) throws Exception {
        Path script = root().resolve("tools/bench/augment_torchvision.py");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "--seconds", Double.toString(seconds),
                "--repeats", Integer.toString(repeats)));
        if (!only.isEmpty()) {
            cmd.add("--only");
            cmd.add(only);
        }
        Map<String, JsonNode> out = new HashMap<>();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            System.err.println("torchvision reference not run (" + e.getMessage() + "): install python3-torchvision; printing our figures only");
            return out;
        }
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("{")) {
                    JsonNode n = json.readTree(line);
                    out.put(n.get("metric").asText(), n);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println("torchvision reference exited with " + rc + "; its figures may be missing");
        }
        return out;
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
