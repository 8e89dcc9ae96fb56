package io.ringtrain.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The checkout's root (the folder holding deploy/bin/ringtrain), found walking up from the working directory. */
final class ProjectFiles {
    static final String MAIN_CLASS = "io.ringtrain.jobs.cli.RingtrainCli";
    /** Where the container image puts the shaded jar; the Kubernetes files submit it from there. */
    static final String IMAGE_JAR = "/opt/spark/jars/ringtrain.jar";

    private ProjectFiles() {}

    /**
     * The collector of the JVMs these tests start (launchers, executors): the serial one. The suite
     * starts dozens of short JVMs on small data on two cores, and on those it spends about a sixth
     * less CPU than the launchers' default G1 (the README's mlp job: 14–15 user CPU-s instead of
     * 17–18). The collector does not change what a job computes.
     */
    static final String COLLECTOR = "-XX:+UseSerialGC";

    /**
     * The compile thresholds of the launchers and executors these tests start: four times the JVM's.
     * Each lives seconds to a minute, and most of its CPU went to the JIT compiling code that ran only a
     * few thousand times; compiling fewer methods, a short job (the README's mlp run, its evaluate) spends
     * about a seventh less CPU in the same wall time. The kernels that train still reach C2 within the
     * first steps, and the JIT does not change what a job computes.
     */
    static final String SHORT_RUN_JIT = "-XX:CompileThresholdScaling=4";

    /** {@code RINGTRAIN_JAVA_OPTS} for the launcher JVMs these tests start: the heap, {@link #COLLECTOR} and {@link #SHORT_RUN_JIT}. */
    static String launcherJavaOpts(String heap) {
        return "-Xmx" + heap + " " + COLLECTOR + " " + SHORT_RUN_JIT;
    }

    /**
     * The JIT of the JVMs these tests start that only coordinate: Spark masters and workers, and the
     * drivers of jobs whose executors train. C1 alone: they run Spark's and ringtrain's plumbing a few
     * times each, and C2 spent more CPU compiling it than it saved (a standalone job's driver, the
     * mlp job of docs/deploy.md: 13–17 CPU-s with C2, 8–10 with C1 alone, in the same wall time).
     * Never for a JVM that trains, evaluates or predicts: the engine's Vector API kernels are
     * intrinsics that only C2 compiles (C1 alone made the README's evaluate take 2.5 times the CPU).
     */
    static final String COORDINATOR_JIT = "-XX:TieredStopAtLevel=1";

    /** {@code RINGTRAIN_JAVA_OPTS} for the driver of a job on a standalone master, whose executors train: {@link #COORDINATOR_JIT}. */
    static String clusterDriverJavaOpts(String heap) {
        return launcherJavaOpts(heap) + " " + COORDINATOR_JIT;
    }

    /** {@code SPARK_DAEMON_JAVA_OPTS} for the masters and workers these tests start: {@link #COLLECTOR} and {@link #COORDINATOR_JIT}. */
    static final String DAEMON_JAVA_OPTS = COLLECTOR + " " + COORDINATOR_JIT;

    /** The executor JVM options of the jobs these tests submit, {@link #COLLECTOR} and {@link #SHORT_RUN_JIT}. */
    static final String EXECUTOR_JAVA_OPTS = COLLECTOR + " " + SHORT_RUN_JIT;

    /** {@link #EXECUTOR_JAVA_OPTS} as a {@code spark-submit --conf}. */
    static final String EXECUTOR_JAVA_OPTS_CONF = "spark.executor.extraJavaOptions=" + EXECUTOR_JAVA_OPTS;

    /**
     * Spark settings that make a session ready only once executors with {@code cores} cores in all
     * have registered (Spark waits up to 120 s): a job's own short slot wait then bounds only a slot
     * lost mid-run, not executors still starting on a loaded machine.
     */
    static Map<String, String> allExecutorsAtStart(int cores) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.cores.max", Integer.toString(cores));
        conf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        conf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
        return conf;
    }

    static Path root() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/bin/ringtrain"))) return p;
        }
        throw new AssertionError("no deploy/bin/ringtrain above " + System.getProperty("user.dir") + "; run the tests from the project checkout");
    }

    /** /usr/bin/python3 (Debian's; a pyenv shim may shadow python3 on PATH), else python3 on PATH, else null. */
    static String python3() {
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) return "/usr/bin/python3";
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "python3"))) return Path.of(dir, "python3").toString();
        }
        return null;
    }
}
