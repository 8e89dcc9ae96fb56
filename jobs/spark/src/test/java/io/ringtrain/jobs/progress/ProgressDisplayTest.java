package io.ringtrain.jobs.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressDisplayTest {
    private static final long SECOND = 1_000_000_000L;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long now;
    private final ProgressDisplay display = new ProgressDisplay(new PrintStream(buffer, true, StandardCharsets.UTF_8), () -> now, false);

    /** A step line as rank 0 sends it; the trainer's own rate and ETA are deliberately absurd. */
    private static String step(long globalStep, long totalSteps, long samples) {
        return String.format(Locale.ROOT, "{\"type\":\"step\",\"epoch\":1,\"step\":%d,\"global_step\":%d,\"total_steps\":%d,\"loss\":0.5,"
                + "\"lr\":0.1,\"samples\":%d,\"samples_per_s\":1.0,\"eta_s\":1826.0}", globalStep, globalStep, totalSteps, samples);
    }

    private List<String> lines() {
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theFirstLineGuessesNoEtaAndLaterLinesUseTheMeasuredRate() {
        display.accept(step(1, 101, 64)); // step 1 ends after the warm-up: the display starts measuring here
        assertTrue(lines().get(0).endsWith("step 1/101  loss 0.5000  … samples/s  ETA ?"), lines().get(0));
        for (long s = 2; s <= 11; s++) {
            now += 2 * SECOND; // a steady 2 s per step of 64 samples
            display.accept(step(s, 101, 64));
        }
        String last = lines().get(lines().size() - 1);
        // 32 samples/s; 90 steps left at 0.5 steps/s
        assertTrue(last.endsWith("step 11/101  loss 0.5000  32 samples/s  ETA 3m00s"), last);
    }

    @Test
    void theEpochThatReachedTheStopAtAccuracyTargetSaysTrainingStopsThere() {
        display.accept("{\"type\":\"epoch\",\"epoch\":1,\"train_loss\":0.43,\"train_samples\":60000,\"eval_loss\":0.31,\"eval_accuracy\":0.8885,\"seconds\":39.4}");
        display.accept("{\"type\":\"epoch\",\"epoch\":2,\"train_loss\":0.25,\"train_samples\":60000,\"eval_loss\":0.26,\"eval_accuracy\":0.9078,\"seconds\":35.4,"
                + "\"target_reached\":true}");
        assertEquals(List.of("epoch 1 done in 39.4s  train loss 0.4300  test loss 0.3100  test accuracy 88.85%",
                "epoch 2 done in 35.4s  train loss 0.2500  test loss 0.2600  test accuracy 90.78%  (stop-at-accuracy target reached: training stops here)"), lines());
    }

    @Test
    void aStepNamingAStragglerShowsItsRankHostAndHowMuchSlowerItIs() {
        String line = step(7, 100, 64).replace("}", ",\"straggler\":{\"rank\":2,\"host\":\"10.0.0.3\",\"compute_ms\":180.0,"
                + "\"median_ms\":100.0,\"steps\":7}}");
        display.accept(line);
        assertTrue(lines().get(0).endsWith("ETA ?  straggler rank 2 (10.0.0.3) 1.8× the median compute for 7 steps"), lines().get(0));
    }

    @Test
    void aStragglerBehindASlowLinkIsShownWithItsSendStallAgainstTheMedian() {
        String line = step(7, 100, 64).replace("}", ",\"straggler\":{\"rank\":2,\"host\":\"10.0.0.3\",\"cause\":\"link\",\"compute_ms\":20.0,"
                + "\"median_ms\":21.0,\"send_stall_ms\":412.4,\"median_send_stall_ms\":3.1,\"steps\":7}}");
        display.accept(line);
        assertTrue(lines().get(0).endsWith("ETA ?  straggler rank 2 (10.0.0.3) link: sends stalled 412 ms a step (median 3 ms) for 7 steps"), lines().get(0));
    }

    @Test
    void theEtaFollowsASpeedUpByTheSmoothingShareNotByTheAverageSinceTheStart() {
        display.accept(step(1, 1000, 100));
        now += 10 * SECOND; // a slow first interval: 0.1 steps/s
        display.accept(step(2, 1000, 100));
        now += 2 * SECOND; // then 1 step/s
        display.accept(step(4, 1000, 200));
        // steps/s: 0.1 + 0.1 × (1 − 0.1) = 0.19; 996 steps left → 5242 s
        String last = lines().get(lines().size() - 1);
        assertTrue(last.endsWith("ETA 1h27m"), last);
    }

    @Test
    void aRetriedAttemptIsMeasuredAfresh() {
        display.accept(step(1, 100, 10));
        now += 100 * SECOND;
        display.accept(step(2, 100, 10)); // 0.01 steps/s before the failure
        now += 60 * SECOND;
        display.accept(step(1, 100, 10)); // the retry resumes from an earlier step
        assertTrue(lines().get(lines().size() - 1).endsWith("ETA ?"), lines().get(lines().size() - 1));
        now += 2 * SECOND;
        display.accept(step(3, 100, 20));
        assertTrue(lines().get(lines().size() - 1).endsWith("10 samples/s  ETA 1m37s"), lines().get(lines().size() - 1));
    }

    @Test
    void aLogGetsAtMostOneBarLineEveryTwoSecondsAndAlwaysTheLastStep() {
        display.accept(step(1, 5, 1));
        now += SECOND;
        display.accept(step(2, 5, 1));
        now += SECOND / 2;
        display.accept(step(3, 5, 1));
        now += SECOND;
        display.accept(step(4, 5, 1));
        display.accept(step(5, 5, 1));
        assertEquals(List.of("step 1/5", "step 4/5", "step 5/5"),
                lines().stream().map(l -> l.replaceAll(".*(step \\d+/\\d+).*", "$1")).toList());
        assertTrue(lines().get(2).endsWith("ETA 0s"), lines().get(2));
    }

    @Test
    void anAbsurdGlobalStepDrawsNoBarAndAllocatesNothingBySize() {
        display.accept(step(1_900_000_000L, 5, 1)); // past the total: once a 1.9-billion-character bar
        display.accept(step(-3, 5, 1));
        display.accept(step(3, 0, 1));
        display.accept("{\"type\":\"step\",\"global_step\":1e300,\"total_steps\":5}");
        display.accept("{\"type\":\"step\",\"global_step\":\"3\",\"total_steps\":5}");
        assertEquals(List.of(), lines(), "a line that cannot be rank 0's drew a bar");
        display.accept(step(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(1, lines().size());
        assertTrue(lines().get(0).startsWith("[" + "=".repeat(ProgressDisplay.BAR_WIDTH) + "] 100%"), lines().get(0));
    }

    @Test
    void aPhaseIsOneLineEndingTheBar() {
        display.accept(step(1, 5, 1));
        display.phase("replicas ready; waiting for the first step");
        assertEquals("replicas ready; waiting for the first step…", lines().get(lines().size() - 1));
    }

    @Test
    void aResumeIsOneLineEndingTheBarAndSayingFromWhat() {
        display.accept(step(1, 5, 1));
        display.accept("{\"type\":\"resume\",\"global_step\":13,\"from\":\"resuming from the in-memory snapshot at step 13 held by every rank\"}");
        assertEquals("resuming from the in-memory snapshot at step 13 held by every rank", lines().get(lines().size() - 1));
    }

    @Test
    void aResumeLineCannotMoveTheCursorOrFloodTheConsole() {
        display.accept("{\"type\":\"resume\",\"global_step\":1,\"from\":\"a\\u001b[2Jb\\nc\"}");
        display.accept("{\"type\":\"resume\",\"global_step\":1,\"from\":\"" + "x".repeat(10_000) + "\"}");
        display.accept("{\"type\":\"resume\",\"global_step\":1,\"from\":7}");
        assertEquals(List.of("a [2Jb c", "x".repeat(ProgressDisplay.MAX_TEXT) + "…"), lines());
    }

    @Test
    void whileShortOfReplicasEachStepLineSaysHowManyRun() {
        display.replicas(2, 3);
        display.accept(step(7, 100, 96));
        assertTrue(lines().get(0).endsWith("ETA ?  2 of 3 replicas"), lines().get(0));
        display.replicas(3, 3);
        now += 3 * SECOND;
        display.accept(step(8, 100, 96));
        assertFalse(lines().get(1).contains("replicas"), lines().get(1));
    }
}
