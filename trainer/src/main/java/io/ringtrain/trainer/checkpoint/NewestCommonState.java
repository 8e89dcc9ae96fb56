package io.ringtrain.trainer.checkpoint;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The state a restarted ring continues from: the newest one every rank can get. Each rank offers
 * the step of the newest durable checkpoint it can read and the step and fingerprint of the
 * in-memory snapshot it holds. A durable checkpoint counts only when every rank reads the same one
 * (a run folder that some executors cannot see is refused, not silently trained from scratch). A
 * snapshot counts when it is newer than that: any rank can get it, the ranks that lack it over the
 * ring from the lowest rank that holds it. Snapshots of the newest step that disagree (different
 * fingerprints) are not used, and the choice says why.
 */
public final class NewestCommonState {
    /** No checkpoint or snapshot. */
    public static final long NONE = -1;

    private NewestCommonState() {}

    /** What one rank can offer: steps are optimizer steps, {@link #NONE} when it has none. */
    public record Offer(long durableStep, long snapshotStep, long fingerprint) {
        private static final int BYTES = 3 * Long.BYTES;

        public byte[] toBytes() {
            return ByteBuffer.allocate(BYTES).putLong(durableStep).putLong(snapshotStep).putLong(fingerprint).array();
        }

        public static Offer fromBytes(byte[] bytes) {
            if (bytes.length != BYTES) throw new IllegalArgumentException("a state offer is " + BYTES + " bytes, got " + bytes.length);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new Offer(b.getLong(), b.getLong(), b.getLong());
        }
    }

    public enum Source { FRESH, DURABLE, SNAPSHOT }

    /**
     * The state to continue from. For {@link Source#SNAPSHOT}: {@code sender} is the rank whose
     * snapshot the {@code receivers} get; every other rank restores its own. {@code note}: why a
     * newer snapshot was passed over, or empty.
     */
    public record Choice(Source source, long step, int sender, List<Integer> receivers, String note) {
        /** The durable checkpoint of {@code step}, chosen with no snapshot to weigh (a run without snapshots). */
        public static Choice durable(long step) {
            return new Choice(Source.DURABLE, step, -1, List.of(), "");
        }

        public boolean needsBroadcast() {
            return !receivers.isEmpty();
        }

        public String describe() {
            return switch (source) {
                case FRESH -> "no checkpoint or snapshot: starting at step 0";
                case DURABLE -> "resuming from the durable checkpoint at step " + step;
                case SNAPSHOT -> "resuming from the in-memory snapshot at step " + step
                        + (receivers.isEmpty() ? " held by every rank" : ", sent by rank " + sender + " to rank(s) " + receivers);
            } + (note.isEmpty() ? "" : " (" + note + ")");
        }
    }

    /** The newest state every rank can get; {@code offers} are indexed by rank. */
    public static Choice choose(List<Offer> offers) {
        if (offers.isEmpty()) throw new IllegalArgumentException("no rank made an offer");
        long durable = offers.get(0).durableStep();
        for (int r = 1; r < offers.size(); r++) {
            if (offers.get(r).durableStep() != durable) {
                throw new IllegalStateException("rank 0 reads the newest durable checkpoint at " + stepName(durable) + " but rank " + r + " at "
                        + stepName(offers.get(r).durableStep()) + "; put the run folder on a file system every executor shares (e.g. HDFS)");
            }
        }
        long newest = NONE;
        for (Offer o : offers) newest = Math.max(newest, o.snapshotStep());
        String note = "";
        if (newest != NONE && newest > durable) {
            int sender = -1;
            List<Integer> receivers = new ArrayList<>();
            for (int r = 0; r < offers.size(); r++) {
                Offer o = offers.get(r);
                if (o.snapshotStep() != newest) {
                    receivers.add(r);
                } else if (sender < 0) {
                    sender = r;
                } else if (o.fingerprint() != offers.get(sender).fingerprint()) {
                    note = "the snapshots of step " + newest + " differ between rank " + sender + " and rank " + r + " (fingerprints "
                            + Long.toHexString(offers.get(sender).fingerprint()) + " and " + Long.toHexString(o.fingerprint()) + "): not used";
                    sender = -1;
                    break;
                }
            }
            if (sender >= 0) return new Choice(Source.SNAPSHOT, newest, sender, List.copyOf(receivers), "");
        }
        if (durable != NONE) return new Choice(Source.DURABLE, durable, -1, List.of(), note);
        return new Choice(Source.FRESH, 0, -1, List.of(), note);
    }

    private static String stepName(long step) {
        return step == NONE ? "none" : "step " + step;
    }
}
