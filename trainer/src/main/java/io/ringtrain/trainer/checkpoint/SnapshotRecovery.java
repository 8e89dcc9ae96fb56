package io.ringtrain.trainer.checkpoint;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The restart of a ring whose replicas keep in-memory snapshots: the ranks gather their offers,
 * agree on the newest state every rank can get ({@link NewestCommonState}) and load it, a snapshot
 * from their own holder or, for ranks that lack it (a replacement executor), over the ring from one
 * that holds it.
 */
public final class SnapshotRecovery {
    private SnapshotRecovery() {}

    /**
     * Collective: every rank calls it at once, before training. Returns the cursor to continue
     * from (empty: start fresh) with the chosen state loaded into {@code model} and
     * {@code optimizer}; {@code restoreDurable} loads the durable checkpoint when that is the
     * newest. A held snapshot whose cursor {@code fitsThisRun} rejects (taken under other settings,
     * e.g. another number of replicas) is not offered. {@code log} gets one line saying what was
     * chosen and why.
     */
    public static Optional<Cursor> restore(Communicator comm, Module model, Optimizer optimizer, SnapshotHolder holder, Predicate<Cursor> fitsThisRun,
                                           long durableStep, Supplier<Optional<Cursor>> restoreDurable, Consumer<String> log) {
        Optional<Snapshot> mine = holder.latest().filter(s -> fitsThisRun.test(s.cursor()));
        NewestCommonState.Offer offer = new NewestCommonState.Offer(durableStep, mine.map(Snapshot::step).orElse(NewestCommonState.NONE),
                mine.map(Snapshot::fingerprint).orElse(0L));
        List<NewestCommonState.Offer> offers = new ArrayList<>();
        for (byte[] b : comm.allGather(offer.toBytes())) offers.add(NewestCommonState.Offer.fromBytes(b));
        NewestCommonState.Choice choice = NewestCommonState.choose(offers);
        log.accept(choice.describe());
        return switch (choice.source()) {
            case FRESH -> Optional.empty();
            case DURABLE -> {
                Optional<Cursor> restored = restoreDurable.get();
                if (restored.isEmpty() || restored.get().globalStep() != choice.step()) {
                    throw new IllegalStateException("the durable checkpoint at step " + choice.step() + " was chosen but "
                            + restored.map(c -> "step " + c.globalStep()).orElse("none") + " was restored (the run folder changed meanwhile)");
                }
                yield restored;
            }
            case SNAPSHOT -> {
                Snapshot state = mine.filter(s -> s.step() == choice.step() && !choice.receivers().contains(comm.rank())).orElse(null);
                if (choice.needsBroadcast()) {
                    byte[] sent = comm.broadcast(comm.rank() == choice.sender() ? state.bytes() : new byte[0], choice.sender());
                    if (state == null) state = Snapshot.fromBytes(sent);
                }
                if (state.fingerprint() != offers.get(choice.sender()).fingerprint()) {
                    throw new IllegalStateException("rank " + comm.rank() + " got a snapshot of step " + choice.step() + " that differs from rank "
                            + choice.sender() + "'s (fingerprint " + Long.toHexString(state.fingerprint()) + ")");
                }
                yield Optional.of(state.restoreInto(model, optimizer));
            }
        };
    }
}
