package io.ringtrain.jobs.train;

import org.apache.spark.SparkContext;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Ends a training attempt that lost task slots for good. A barrier stage starts only when every
 * replica has a slot, and Spark, short of one, waits without end: a host that went away in the
 * middle of a run (its executor expired after {@code spark.network.timeout}) would leave the retry
 * waiting forever. While an attempt runs, this counts the cluster's slots ({@link
 * ClusterCheck#slots}) every second; once they have stayed below the replicas for {@code waitMillis}
 * (the job's {@code --slot-wait-seconds}, the same wait a retry gives the slots to return), it
 * cancels the attempt's Spark jobs, which it tags, and {@link #shortfall()} names the missing slots.
 * A barrier job submitted just as a slot went away never becomes active: Spark submits it again
 * every {@code spark.scheduler.barrier.maxConcurrentTasksCheck.interval} (15 s), up to {@code
 * maxFailures} (40) times, and a cancelled tag reaches active jobs only. Only a job group cancelled
 * with its future jobs stops those submissions, so the attempt's jobs also run in a job group of
 * their own, unless the caller already set one (a user's job group stays theirs, and then only the
 * tag is cancelled).
 * Where the job may go on with fewer replicas ({@code --min-replicas} below this attempt's), the
 * cancellation's reason says so instead of asking for fewer {@code --replicas}: the retry's elastic
 * wait decides how many replicas go on.
 *
 * <p>A local master's slots never change, so there it watches nothing.
 */
final class SlotWatch implements AutoCloseable {
    private static final long CHECK_EVERY_MILLIS = 1000;
    /** The local property {@code SparkContext.setJobGroup} sets (Spark keeps the constant private). */
    static final String JOB_GROUP = "spark.jobGroup.id";

    private final IntSupplier slots;
    private final int replicas;
    private final int minReplicas;
    private final long waitMillis;
    private final String master;
    private final Consumer<String> cancel;
    private long shortSinceMillis = -1;
    private volatile CapacityException shortfall;
    private Runnable onClose = () -> {};

    /**
     * Watches for the {@code replicas} of this attempt; {@code minReplicas} is the fewest the job may
     * go on with. {@code cancel} ends the attempt's jobs, given the reason.
     */
    SlotWatch(IntSupplier slots, int replicas, int minReplicas, long waitMillis, String master, Consumer<String> cancel) {
        this.slots = slots;
        this.replicas = replicas;
        this.minReplicas = minReplicas;
        this.waitMillis = waitMillis;
        this.master = master;
        this.cancel = cancel;
    }

    /**
     * Tags the Spark jobs this thread starts until {@link #close()} and watches the slots on a daemon
     * thread meanwhile. Close it on the same thread.
     */
    static SlotWatch start(SparkContext sc, int replicas, int minReplicas, long waitMillis) {
        if (ClusterCheck.hasFixedSlots(sc)) return new SlotWatch(() -> replicas, replicas, minReplicas, waitMillis, sc.master(), reason -> {});
        return watch(sc, () -> ClusterCheck.slots(sc), replicas, minReplicas, waitMillis);
    }

    /** {@link #start} on any master, with the slots counted by {@code slots}. */
    static SlotWatch watch(SparkContext sc, IntSupplier slots, int replicas, int minReplicas, long waitMillis) {
        String tag = "ringtrain-attempt-" + UUID.randomUUID();
        String group = sc.getLocalProperty(JOB_GROUP) == null ? tag : null;
        SlotWatch watch = new SlotWatch(slots, replicas, minReplicas, waitMillis, sc.master(), reason -> {
            sc.cancelJobsWithTag(tag, reason);
            if (group != null) sc.cancelJobGroupAndFutureJobs(group, reason);
        });
        sc.addJobTag(tag);
        if (group != null) sc.setLocalProperty(JOB_GROUP, group);
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ringtrain-slot-watch");
            t.setDaemon(true);
            return t;
        });
        checks.scheduleWithFixedDelay(() -> watch.check(System.currentTimeMillis()), CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        watch.onClose = () -> {
            checks.shutdownNow();
            sc.removeJobTag(tag);
            if (group != null) sc.setLocalProperty(JOB_GROUP, null); // null removes it
        };
        return watch;
    }

    /** One look at the slots at {@code nowMillis}: cancels the attempt once they have been short for the whole wait. */
    synchronized void check(long nowMillis) {
        if (shortfall != null) return;
        int offered = slots.getAsInt();
        if (offered >= replicas) {
            shortSinceMillis = -1;
            return;
        }
        if (shortSinceMillis < 0) shortSinceMillis = nowMillis;
        if (nowMillis - shortSinceMillis < waitMillis) return;
        long waited = nowMillis - shortSinceMillis;
        shortfall = ClusterCheck.shortfall(replicas, replicas, offered, master, waited);
        cancel.accept(minReplicas < replicas
                ? "this attempt's " + replicas + " replicas had " + offered + " task slots for " + waited / 1000 + " s (master " + master
                        + "); stopping it so the job goes on with the replicas the cluster offers (--min-replicas " + minReplicas + ")"
                : shortfall.getMessage());
    }

    /** Why the attempt was cancelled, or null while the slots suffice (or came back in time). */
    CapacityException shortfall() {
        return shortfall;
    }

    @Override
    public void close() {
        onClose.run();
    }
}
