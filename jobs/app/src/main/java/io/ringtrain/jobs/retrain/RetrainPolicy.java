package io.ringtrain.jobs.retrain;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which date partitions a retraining run trains on.
 * <ul>
 *   <li>{@code new-since-last}: every partition no earlier run has processed (promoted or rejected);
 *       nothing new means a no-op.</li>
 *   <li>{@code window:K}: the newest K partitions; a window some earlier run already processed is a no-op.</li>
 * </ul>
 */
public record RetrainPolicy(String name, int windowDays) {
    public static final String NEW_SINCE_LAST = "new-since-last";

    public static RetrainPolicy parse(String text) {
        if (text == null || text.equals(NEW_SINCE_LAST)) return new RetrainPolicy(NEW_SINCE_LAST, 0);
        if (text.startsWith("window:")) {
            try {
                int k = Integer.parseInt(text.substring("window:".length()));
                if (k >= 1) return new RetrainPolicy("window", k);
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException("retraining policy '" + text + "' is not valid: use new-since-last or window:K with K ≥ 1 (days)");
    }

    /** The partitions to train on, oldest first; empty when there is nothing new. */
    public List<LocalDate> select(List<LocalDate> available, Set<LocalDate> processed) {
        List<LocalDate> sorted = new ArrayList<>(available);
        sorted.sort(null);
        if (windowDays > 0) return sorted.subList(Math.max(0, sorted.size() - windowDays), sorted.size());
        sorted.removeAll(processed);
        return sorted;
    }

    @Override
    public String toString() {
        return windowDays > 0 ? "window:" + windowDays : NEW_SINCE_LAST;
    }
}
