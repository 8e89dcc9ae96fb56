package io.ringtrain.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtrain.jobs.models.ModelRecipe;
import io.ringtrain.jobs.models.usernets.TinyNet;
import io.ringtrain.jobs.train.TrainJobConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retraining rounds over a registry, in order (each round starts from the registry the previous one
 * left): two date partitions of 300 PNG-encoded Fashion-MNIST images each, a 300-image holdout, model
 * mlp, 1 epoch, 2 replicas in local[2].
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_PARTITION = 300;
    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    private SparkSession spark;
    private Path dir;
    private Path dataset;
    private Path holdout;
    private Path registryDir;
    private byte[][] trainImages;
    private int[] trainLabels;

    @BeforeAll
    void setUp() throws IOException {
        System.setProperty("log4j2.configurationFile", "classpath:ringtrain-log4j2.properties"); // Spark at warn level
        spark = SparkSession.builder().master("local[2]").appName("RetrainIT").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        dir = Files.createTempDirectory("retrain-it");
        dataset = dir.resolve("dataset");
        holdout = dir.resolve("holdout");
        registryDir = dir.resolve("registry");
        Path sample = sampleFolder();
        trainImages = readImages(sample.resolve("train-images-idx3-ubyte.gz"), 2 * PER_PARTITION);
        trainLabels = readLabels(sample.resolve("train-labels-idx1-ubyte.gz"), 2 * PER_PARTITION);
        writeParquet(holdout, readImages(sample.resolve("t10k-images-idx3-ubyte.gz"), PER_PARTITION),
                readLabels(sample.resolve("t10k-labels-idx1-ubyte.gz"), PER_PARTITION), 0, PER_PARTITION);
        writeParquet(dataset.resolve("date=2024-03-01"), trainImages, trainLabels, 0, PER_PARTITION);
    }

    @AfterAll
    void tearDown() throws IOException {
        if (spark != null) spark.stop();
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private RetrainConfig config(String policy, double margin) {
        RetrainConfig c = new RetrainConfig();
        c.dataset = dataset.toString();
        c.holdout = holdout.toString();
        c.registry = registryDir.toString();
        c.policy = policy;
        c.margin = margin;
        TrainJobConfig t = new TrainJobConfig();
        t.model.name = "mlp";
        t.replicas = 2;
        t.epochs = 1;
        t.batchSize = 16;
        t.optimization.lr = 0.05;
        c.train = t;
        return c;
    }

    private ModelRegistry registry() {
        return new ModelRegistry(registryDir.toString(), spark.sparkContext().hadoopConfiguration());
    }

    private JsonNode versionFile(String version, String name) throws IOException {
        return JSON.readTree(registryDir.resolve("models").resolve(version).resolve(name).toFile());
    }

    @Test
    @Order(1)
    void theFirstRunTrainsFromScratchAndPromotesVersionOne() throws IOException {
        RetrainOutcome outcome = RetrainJob.run(spark, config("new-since-last", 0.005), QUIET);

        assertEquals("promoted", outcome.status(), outcome.reason());
        assertEquals(0, outcome.exitCode());
        assertEquals("v0001", outcome.version());
        assertNull(outcome.championMetric());
        assertEquals(List.of("2024-03-01"), outcome.partitions());
        assertEquals("v0001", registry().champion().orElseThrow());
        for (String f : new String[] {"model.safetensors", "config.json", "metrics.json", "data.json", "version.json", "model-card.md", "model-card.html"}) {
            assertTrue(Files.isRegularFile(registryDir.resolve("models/v0001").resolve(f)), "v0001 lacks " + f);
        }
        assertTrue(versionFile("v0001", "version.json").path("warm_start_from").isNull());
        JsonNode data = versionFile("v0001", "data.json");
        assertEquals(PER_PARTITION, data.path("train_rows").asInt());
        assertEquals("2024-03-01", data.path("first").asText());
        assertEquals(1, data.path("partitions").size());
        // 10 balanced classes: chance is 0.1; one epoch of an MLP on 300 images lands well above it
        assertTrue(outcome.metric() > 0.3, "holdout accuracy " + outcome.metric());
        assertChampionLoads();
        String card = Files.readString(registryDir.resolve("models/v0001/model-card.html"));
        assertTrue(card.contains("<svg") && card.contains("2024-03-01"), "the model card has curves and the data range");
    }

    @Test
    @Order(2)
    void theSecondRunWarmStartsFromTheChampionAndPromotesOnlyWhenTheHoldoutImprovesByTheMargin() throws IOException {
        writeParquet(dataset.resolve("date=2024-03-02"), trainImages, trainLabels, PER_PARTITION, 2 * PER_PARTITION);
        double margin = 0.005;

        RetrainOutcome outcome = RetrainJob.run(spark, config("new-since-last", margin), QUIET);

        assertEquals("v0002", outcome.version(), outcome.reason());
        assertEquals(List.of("2024-03-02"), outcome.partitions());
        assertEquals("v0001", versionFile("v0002", "version.json").path("warm_start_from").asText());
        assertTrue(versionFile("v0002", "config.json").path("initialWeights").asText().endsWith("models/v0001/model.safetensors"));
        // The warm start is real: the first training step starts from v0001's loss, not from chance (ln 10 ≈ 2.30)
        double firstLossV1 = firstStepLoss("v0001"), firstLossV2 = firstStepLoss("v0002");
        assertTrue(firstLossV2 < firstLossV1 - 0.3, "first-step loss " + firstLossV2 + " (warm) vs " + firstLossV1 + " (scratch)");
        // The champion was measured on the same holdout, and the decision follows the rule
        JsonNode metrics = versionFile("v0002", "metrics.json");
        assertEquals(metrics.path("champion").path("holdout").path("accuracy").asDouble(), outcome.championMetric(), 0);
        boolean better = outcome.metric() - outcome.championMetric() > margin;
        assertEquals(better ? "promoted" : "rejected", outcome.status(), outcome.reason());
        assertEquals(better ? 0 : 10, outcome.exitCode());
        assertEquals(better ? "v0002" : "v0001", registry().champion().orElseThrow());
        assertChampionLoads();
    }

    @Test
    @Order(3)
    void aThirdRunForTheSamePartitionsIsANoop() {
        List<String> versionsBefore = registry().versions();
        String championBefore = registry().champion().orElseThrow();

        RetrainOutcome outcome = RetrainJob.run(spark, config("new-since-last", 0.005), QUIET);

        assertEquals("noop", outcome.status(), outcome.reason());
        assertEquals(0, outcome.exitCode());
        assertEquals(versionsBefore, registry().versions());
        assertEquals(championBefore, registry().champion().orElseThrow());
        // the same partitions through a window policy are recognised too
        RetrainOutcome window = RetrainJob.run(spark, config("window:1", 0.005), QUIET);
        assertEquals("noop", window.status(), window.reason());
    }

    @Test
    @Order(4)
    void badInputFailsWithExitCodeTwoAndLeavesTheRegistryAlone() {
        List<String> versionsBefore = registry().versions();
        String championBefore = registry().champion().orElseThrow();
        RetrainConfig c = config("window:2", 0.005);
        c.holdout = dir.resolve("no-such-holdout").toString();

        RetrainOutcome outcome = RetrainJob.run(spark, c, QUIET);

        assertEquals("failed", outcome.status());
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.reason().contains("no-such-holdout"), outcome.reason());
        assertEquals(versionsBefore, registry().versions());
        assertEquals(championBefore, registry().champion().orElseThrow());
    }

    @Test
    @Order(5)
    void aProcessKilledDuringPromotionLeavesExactlyOneValidChampionAndTheRerunFinishesThePromotion() throws Exception {
        String championBefore = registry().champion().orElseThrow();
        List<String> versionsBefore = registry().versions();

        // window:2 is a new partition set; margin −0.99 promotes any candidate, so the run reaches the pointer swap
        int status = runChildJvm("--policy", "window:2", "--margin", "-0.99", "-Dringtrain.retrain.failAt=promote");

        assertEquals(FaultInjection.HALT_STATUS, status, "the child should have been halted at the promotion");
        assertEquals(championBefore, registry().champion().orElseThrow(), "the old champion still serves");
        assertEquals(1, Files.list(registryDir).filter(p -> p.getFileName().toString().equals("champion")).count());
        assertChampionLoads();
        assertEquals(versionsBefore.size() + 1, registry().versions().size(), "the candidate was registered before the kill");

        RetrainOutcome rerun = RetrainJob.run(spark, config("window:2", -0.99), QUIET);

        assertEquals("promoted", rerun.status(), rerun.reason());
        assertEquals(versionsBefore.size() + 1, registry().versions().size(), "the rerun reused the registered candidate");
        assertEquals(rerun.version(), registry().champion().orElseThrow());
        assertChampionLoads();
        try (var names = Files.list(registryDir)) {
            assertTrue(names.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary pointer files are cleaned up");
        }
    }

    @Test
    @Order(6)
    void aUsersModelClassAndLayerListRetrainAndWarmStartRebuiltFromTheChampionsProvenance() throws IOException {
        Path ownDataset = dir.resolve("own-dataset");
        writeParquet(ownDataset.resolve("date=2024-04-01"), trainImages, trainLabels, 0, PER_PARTITION);
        String spec = """
                layers:
                  - {type: flatten}
                  - {type: linear, out_features: 32}
                  - {type: relu}
                  - {type: linear, out_features: 10}
                """;
        for (String kind : List.of("class", "spec")) {
            Path ownRegistry = dir.resolve("registry-" + kind);
            RetrainConfig c = config("new-since-last", -0.99); // any candidate is promoted: the rounds test rebuilding, not the rule
            c.dataset = ownDataset.toString();
            c.registry = ownRegistry.toString();
            c.train.model.name = io.ringtrain.jobs.train.ModelSettings.DEFAULT_MODEL; // unset: the user's model names itself
            if (kind.equals("class")) {
                c.train.model.modelClass = TinyNet.class.getName();
            } else {
                c.train.model.modelSpec = spec;
                c.policy = "window:1"; // both partitions are there by now: the newest first, then both
            }
            String label = kind.equals("class") ? TinyNet.class.getName() : ModelRecipe.SPEC_LABEL;

            RetrainOutcome first = RetrainJob.run(spark, c, QUIET);

            assertEquals("promoted", first.status(), kind + ": " + first.reason());
            assertEquals(label, JSON.readTree(ownRegistry.resolve("models/v0001/version.json").toFile()).path("model").asText());
            assertTrue(Files.readString(ownRegistry.resolve("models/v0001/model-card.md")).contains("# Model v0001 (" + label + ")"), kind);
            assertTrue(first.metric() > 0.3, kind + ": holdout accuracy " + first.metric());

            if (kind.equals("class")) {
                writeParquet(ownDataset.resolve("date=2024-04-02"), trainImages, trainLabels, PER_PARTITION, 2 * PER_PARTITION);
            } else {
                c.policy = "window:2";
            }
            RetrainOutcome second = RetrainJob.run(spark, c, QUIET);

            assertEquals("promoted", second.status(), kind + ": " + second.reason());
            assertEquals("v0001", JSON.readTree(ownRegistry.resolve("models/v0002/version.json").toFile()).path("warm_start_from").asText(),
                    kind + ": the champion's recorded model is the one the config trains, so it warm-starts");
            assertEquals(first.metric(), second.championMetric(), 1e-9, kind + ": the champion, rebuilt from its weights' provenance, scores as when it was a candidate");
            ModelRegistry r = new ModelRegistry(ownRegistry.toString(), spark.sparkContext().hadoopConfiguration());
            byte[] weights = Files.readAllBytes(ownRegistry.resolve("models/v0002/model.safetensors"));
            assertEquals(label, ModelEvaluation.requireLoadable(weights, "v0002").name());
            assertEquals(label, RetrainJob.provenanceOf(r, "v0002").recipe().label());
        }
    }

    private void assertChampionLoads() throws IOException {
        ModelRegistry r = registry();
        String champion = r.champion().orElseThrow();
        byte[] weights = Files.readAllBytes(registryDir.resolve("models").resolve(champion).resolve("model.safetensors"));
        ModelEvaluation.requireLoadable(weights, champion);
    }

    private double firstStepLoss(String version) throws IOException {
        for (String line : Files.readAllLines(registryDir.resolve("models").resolve(version).resolve("metrics.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if ("step".equals(n.path("type").asText())) return n.path("loss").asDouble();
        }
        throw new AssertionError(version + " has no step metrics");
    }

    /** Runs `ringtrain retrain` in a fresh JVM (same classpath and module flags) and returns its exit status. */
    private int runChildJvm(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Djdk.reflect")) cmd.add(a);
        }
        cmd.add("-Xmx1g");
        List<String> args = new ArrayList<>();
        for (String e : extra) (e.startsWith("-D") ? cmd : args).add(e);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ringtrain.jobs.cli.RingtrainCli", "retrain",
                "--master", "local[2]", "--dataset", dataset.toString(), "--holdout", holdout.toString(), "--registry", registryDir.toString(),
                "--model", "mlp", "--replicas", "2", "--epochs", "1", "--batch-size", "16", "--lr", "0.05"));
        cmd.addAll(args);
        File log = dir.resolve("child.log").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child retrain did not finish in 240 s; log: " + Files.readString(log.toPath()));
        }
        if (p.exitValue() != FaultInjection.HALT_STATUS) System.err.println(Files.readString(log.toPath()));
        return p.exitValue();
    }

    private void writeParquet(Path target, byte[][] images, int[] labels, int from, int to) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < to; i++) rows.add(RowFactory.create(png(images[i]), labels[i]));
        StructType schema = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.IntegerType);
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(target.toString());
    }

    private static byte[] png(byte[] pixels) throws IOException {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, 28, 28, pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static byte[][] readImages(Path file, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            in.readInt();
            in.readInt();
            int h = in.readInt(), w = in.readInt();
            byte[][] out = new byte[n][h * w];
            for (byte[] img : out) in.readFully(img);
            return out;
        }
    }

    private static int[] readLabels(Path file, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            in.readInt();
            in.readInt();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) out[i] = in.readUnsignedByte();
            return out;
        }
    }

    /** The bundled Fashion-MNIST sample: data/fashion-mnist-sample in the project root, found walking up from the working directory. */
    static Path sampleFolder() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("data/fashion-mnist-sample");
            if (Files.isRegularFile(candidate.resolve("train-images-idx3-ubyte.gz"))) return candidate;
        }
        throw new AssertionError("data/fashion-mnist-sample not found above " + System.getProperty("user.dir") + "; run the tests from the project checkout");
    }
}
