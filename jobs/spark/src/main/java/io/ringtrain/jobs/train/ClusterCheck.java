package io.ringtrain.jobs.train;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Barrier mode needs every replica running at once: checks, before launching, that the cluster
 * offers enough task slots and that dynamic allocation cannot take executors away.
 */
final class ClusterCheck {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:,\\d+)?]");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*\\d+\\s*]");

    private ClusterCheck() {}

    static void requireSlots(SparkContext sc, int replicas, long waitMillis, PrintStream console) {
        refuseDynamicAllocation(sc);
        awaitSlots(sc, replicas, waitMillis, console);
    }

    static void refuseDynamicAllocation(SparkContext sc) {
        SparkConf conf = sc.getConf();
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)
                && conf.getInt("spark.dynamicAllocation.minExecutors", 0) != conf.getInt("spark.dynamicAllocation.maxExecutors", Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("barrier-mode training needs a fixed set of executors, but dynamic allocation is on; "
                    + "set spark.dynamicAllocation.enabled=false (or minExecutors = maxExecutors)");
        }
    }

    /** Waits up to {@code millis} for executors to register, then fails naming the shortfall. */
    static void awaitSlots(SparkContext sc, int replicas, long millis, PrintStream console) {
        awaitSlots(() -> slots(sc), replicas, hasFixedSlots(sc) ? 0 : millis, PROGRESS_EVERY_MILLIS, console, sc.master());
    }

    /** How often a wait for slots says where it stands. */
    static final long PROGRESS_EVERY_MILLIS = 10_000;

    /**
     * Polls {@code slots} until it reaches {@code replicas} or {@code millis} pass, printing every
     * {@code progressMillis} how many slots are still missing; throws a {@link CapacityException}
     * naming the shortfall when they do not come.
     */
    static void awaitSlots(IntSupplier slots, int replicas, long millis, long progressMillis, PrintStream console, String master) {
        int offered = waitForSlots(slots, replicas, millis, progressMillis, console);
        if (offered < replicas) throw shortfall(replicas, replicas, offered, master, millis);
    }

    /**
     * The failure of a job that waited {@code waitedMillis} for slots and was offered {@code offered}:
     * it needs {@code minReplicas} of its {@code replicas} (equal unless {@code --min-replicas} is below
     * {@code --replicas}), and the message says which setting to lower.
     */
    static CapacityException shortfall(int replicas, int minReplicas, int offered, String master, long waitedMillis) {
        boolean elastic = minReplicas < replicas;
        return new CapacityException("the job needs " + (elastic ? "at least " : "") + minReplicas + " tasks running at once (one per replica"
                + (elastic ? ", --min-replicas " + minReplicas + " of --replicas " + replicas : "") + ") but the cluster offers " + offered
                + " task slots (master " + master + ") after waiting " + waitedMillis / 1000 + " s; rerun when the cluster has " + minReplicas
                + " free slots (exit code " + CapacityException.EXIT_CODE + ": a scheduler may retry), give it more executors or cores, "
                + (elastic ? "or lower --min-replicas" : "or lower --replicas in a new --run-dir"));
    }

    /**
     * Polls {@code slots} (at least once) until it reaches {@code wanted} or {@code millis} pass,
     * printing every {@code progressMillis} how many are still missing; returns the last count.
     */
    static int waitForSlots(IntSupplier slots, int wanted, long millis, long progressMillis, PrintStream console) {
        long start = System.currentTimeMillis();
        long nextProgress = start + progressMillis;
        int offered = slots.getAsInt();
        while (offered < wanted && System.currentTimeMillis() - start < millis) {
            try {
                Thread.sleep(Math.min(500, Math.max(1, millis / 10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            offered = slots.getAsInt();
            long now = System.currentTimeMillis();
            if (offered < wanted && now >= nextProgress) {
                console.printf(Locale.ROOT, "waiting for %d more executor slot%s (%d of %d registered), %d s of %d s%n", wanted - offered,
                        wanted - offered == 1 ? "" : "s", offered, wanted, (now - start) / 1000, millis / 1000);
                nextProgress = now + progressMillis;
            }
        }
        return offered;
    }

    /** Whether the master's slot count never changes (local mode), so waiting for more is pointless. */
    static boolean hasFixedSlots(SparkContext sc) {
        return sc.master().startsWith("local[") || sc.master().equals("local");
    }

    static int slots(SparkContext sc) {
        String master = sc.master();
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        if (master.equals("local")) return 1;
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            int cores = local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
            return cores / taskCpus;
        }
        int executors = sc.statusTracker().getExecutorInfos().length - 1; // minus the driver
        Matcher cluster = LOCAL_CLUSTER.matcher(master);
        int coresPerExecutor = cluster.matches() ? Integer.parseInt(cluster.group(2)) : sc.getConf().getInt("spark.executor.cores", 1);
        return Math.max(0, executors) * (coresPerExecutor / taskCpus);
    }
}
