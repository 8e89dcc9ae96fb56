package io.ringtrain.jobs.train;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

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

    static void requireSlots(SparkContext sc, int replicas) {
        SparkConf conf = sc.getConf();
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)
                && conf.getInt("spark.dynamicAllocation.minExecutors", 0) != conf.getInt("spark.dynamicAllocation.maxExecutors", Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("barrier-mode training needs a fixed set of executors, but dynamic allocation is on; "
                    + "set spark.dynamicAllocation.enabled=false (or minExecutors = maxExecutors)");
        }
        awaitSlots(sc, replicas, 60_000);
    }

    /** Waits up to {@code millis} for executors to register, then fails naming the shortfall. */
    static void awaitSlots(SparkContext sc, int replicas, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        int slots = slots(sc);
        while (slots < replicas && System.currentTimeMillis() < deadline && !sc.master().startsWith("local[") && !sc.master().equals("local")) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            slots = slots(sc);
        }
        if (slots < replicas) {
            throw new IllegalArgumentException("the job needs " + replicas + " tasks running at once (one per replica) but the cluster offers "
                    + slots + " task slots (master " + sc.master() + "); lower --replicas to " + Math.max(slots, 1)
                    + " or give the cluster more executors or cores");
        }
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
