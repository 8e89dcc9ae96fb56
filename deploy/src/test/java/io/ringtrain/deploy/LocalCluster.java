package io.ringtrain.deploy;

import io.ringtrain.jobs.train.RingtrainKryoRegistrator;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Spark's {@code local-cluster[N,1,1024]}: a standalone master and N workers, each executor in its own
 * JVM (the Spark home is target/spark-home, whose jars/ are the packaged artifact and its
 * dependencies), and the killing of one executor JVM, as a lost machine would be.
 */
public final class LocalCluster {
    private LocalCluster() {}

    /** A killed executor: its process id, Spark executor id and when it was killed (epoch millis). */
    public record Killed(long pid, String executorId, long atMillis) {}

    /**
     * Starts the cluster. The deploy module's folder is the working directory (tests) or
     * {@code -Dringtrain.root}/deploy (benchmarks); SPARK_HOME must be its target/spark-home.
     */
    public static SparkSession start(String appName, int executors) throws IOException {
        String root = System.getProperty("ringtrain.root");
        Path target = (root == null ? Path.of("") : Path.of(root, "deploy")).toAbsolutePath().resolve("target");
        Path home = Path.of(System.getenv().getOrDefault("SPARK_HOME", target.resolve("spark-home").toString()));
        Path jars = Files.createDirectories(home.resolve("jars"));
        try (Stream<Path> lib = Files.list(target.resolve("lib"))) {
            for (Path jar : lib.toList()) linkInto(jars, jar);
        }
        linkInto(jars, target.resolve("ringtrain.jar"));
        return session(appName, "local-cluster[" + executors + ",1,1024]").getOrCreate();
    }

    /**
     * A session on {@code master} with what every ringtrain executor JVM needs (the Vector API module,
     * the opens Spark needs, Kryo with our registrator) and the driver on loopback.
     */
    public static SparkSession.Builder session(String appName, String master) {
        String flags = "--add-modules jdk.incubator.vector " + ProjectFiles.EXECUTOR_JAVA_OPTS + " -Djdk.reflect.useDirectMethodHandle=false"
                + " --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
                + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
                + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED";
        return SparkSession.builder().appName(appName).master(master)
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", RingtrainKryoRegistrator.class.getName())
                .config("spark.executor.extraJavaOptions", flags)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.barrier.sync.timeout", "300");
    }

    private static void linkInto(Path dir, Path jar) throws IOException {
        Path link = dir.resolve(jar.getFileName());
        if (!Files.exists(link)) Files.createSymbolicLink(link, jar.toAbsolutePath());
    }

    /**
     * Kills one executor JVM started under this JVM (SIGKILL), directly or through a launcher it
     * started; null when there is none. Executors of other jobs on the machine are never touched.
     */
    public static Killed killAnExecutor() {
        List<ProcessHandle> executors = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false)).toList();
        if (executors.isEmpty()) return null;
        ProcessHandle victim = executors.get(executors.size() - 1);
        Matcher id = Pattern.compile("--executor-id (\\S+)").matcher(victim.info().commandLine().orElse(""));
        String executorId = id.find() ? id.group(1) : null;
        victim.destroyForcibly();
        return new Killed(victim.pid(), executorId, System.currentTimeMillis());
    }

    /**
     * Waits until the run's metrics.jsonl holds a step line at {@code step} or later, then kills an
     * executor; null when the run got no further within {@code timeoutMillis}.
     */
    public static Killed killAnExecutorAtStep(Path metrics, long step, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (RunMetrics.lastStep(metrics, 1) >= step) return killAnExecutor();
            Thread.sleep(100);
        }
        return null;
    }
}
