package io.ringtrain.jobs.train.snapshot;

import io.ringtrain.engine.nn.Linear;
import io.ringtrain.engine.optim.SGD;
import io.ringtrain.trainer.checkpoint.Cursor;
import io.ringtrain.trainer.checkpoint.Snapshot;
import io.ringtrain.trainer.checkpoint.SnapshotHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorSnapshotsTest {
    private static final Linear MODEL = new Linear(3, 2);
    private static final SGD OPTIMIZER = new SGD(MODEL.parameters(), 0.1).momentum(0.9);

    @AfterEach
    void releaseAll() {
        ExecutorSnapshots.release("job-a");
        ExecutorSnapshots.release("job-b");
    }

    private static Snapshot at(long step) {
        return Snapshot.capture(MODEL, OPTIMIZER, new Cursor(step, 0, (int) step, Map.of()));
    }

    @Test
    void releasingTheJobDropsItsSnapshot() {
        ExecutorSnapshots.holder("job-a", 1000).keep(5, () -> at(5));
        assertEquals(5, ExecutorSnapshots.latest("job-a").orElseThrow().step());
        assertTrue(ExecutorSnapshots.heldBytes() > 0);
        ExecutorSnapshots.release("job-a");
        assertTrue(ExecutorSnapshots.latest("job-a").isEmpty());
        assertEquals(0, ExecutorSnapshots.heldBytes(), "nothing is held once the job ended");
    }

    @Test
    void aNewJobIdReleasesTheOldJobsSnapshotAndReleasingAnotherJobKeepsIt() {
        ExecutorSnapshots.holder("job-a", 1000).keep(5, () -> at(5));
        ExecutorSnapshots.holder("job-b", 1000).keep(1, () -> at(1));
        assertTrue(ExecutorSnapshots.latest("job-a").isEmpty(), "one job's snapshot at a time");
        ExecutorSnapshots.release("job-a");
        assertEquals(1, ExecutorSnapshots.latest("job-b").orElseThrow().step(), "releasing a job that is not held changes nothing");
    }

    @Test
    void aNewerStepReplacesTheSnapshotAndAnEarlierAttemptNeverDoes() {
        SnapshotHolder attempt1 = ExecutorSnapshots.holder("job-a", 1000), attempt2 = ExecutorSnapshots.holder("job-a", 2000);
        attempt1.keep(7, () -> at(7));
        attempt1.keep(8, () -> at(8));
        assertEquals(8, attempt2.latest().orElseThrow().step(), "a retry finds the last step of the attempt before it");
        attempt2.keep(3, () -> at(3)); // the retry resumed from an older durable checkpoint
        assertEquals(3, attempt2.latest().orElseThrow().step(), "a later attempt replaces an earlier one's, even at an older step");
        attempt1.keep(9, () -> at(9)); // the killed attempt's task, still winding down
        assertEquals(3, attempt2.latest().orElseThrow().step(), "an earlier attempt's step never replaces a later attempt's");
    }

    @Test
    void ranksSharingAJvmCopyEachStepOnce() {
        AtomicInteger captures = new AtomicInteger();
        for (int rank = 0; rank < 3; rank++) {
            ExecutorSnapshots.holder("job-a", 1000).keep(4, () -> {
                captures.incrementAndGet();
                return at(4);
            });
        }
        assertEquals(1, captures.get());
    }

    @Test
    void theJobIdNamesTheSecretWithoutRevealingIt() {
        byte[] secret = new byte[32];
        secret[0] = 1;
        String id = ExecutorSnapshots.jobIdOf(secret);
        assertEquals(id, ExecutorSnapshots.jobIdOf(secret.clone()));
        secret[31] = 1;
        assertNotEquals(id, ExecutorSnapshots.jobIdOf(secret));
        assertEquals(32, id.length());
    }
}
