package io.ringtrain.jobs.train;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOException;
import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The line a failure prints, from exception chains built the way Spark and our jobs build them. */
class RootCauseTest {
    /** What Spark's DAGScheduler puts in a barrier stage's SparkException: the task's exception and trace, as text. */
    private static String barrierFailure(String taskTrace) {
        return "Could not recover from a failed barrier ResultStage. Most recent failure reason: Stage failed because barrier task "
                + "ResultTask(3, 0) finished unsuccessfully.\n" + taskTrace + "\n\tat io.ringtrain.jobs.train.ReplicaTask.call(ReplicaTask.java:200)\n";
    }

    @Test
    void aCorruptImageNamesTheFileNotOnlyTheDecodersComplaint() {
        IIOException decoder = new IIOException("No image data present to read");
        Exception record = new IllegalArgumentException("record data/shirts/3/broken.jpg is not a readable PNG/JPEG image: No image data present to read", decoder);
        Exception spark = new RuntimeException(barrierFailure("java.lang.IllegalArgumentException: " + record.getMessage()), record);

        assertEquals(record.getMessage(), RootCause.message(spark));
    }

    @Test
    void aDiskErrorWinsOverThePeerThatSawTheReplicaHangUp() {
        Exception disk = new IOException("No space left on device");
        Exception peer = new IllegalStateException("replica 0: replica 1 at /10.0.0.2:40000 closed the connection (all-reduce step 7): it died", disk);

        assertEquals("IOException: No space left on device", RootCause.message(new RuntimeException("Job aborted", peer)));
    }

    @Test
    void anotherReplicasDiskErrorWinsWhenSparkReportedThePeerFirst() {
        Exception reported = new RuntimeException(barrierFailure(
                "java.lang.IllegalStateException: replica 0: replica 1 at /10.0.0.2:40000 closed the connection (all-reduce step 7): it died"));
        reported.addSuppressed(new IllegalStateException("replica 0: replica 1 at /10.0.0.2:40000 closed the connection (all-reduce step 7): it died"));
        reported.addSuppressed(new UncheckedIOException("cannot write runs/x/checkpoints/step-7.safetensors: No space left on device",
                new IOException("No space left on device")));

        assertEquals("cannot write runs/x/checkpoints/step-7.safetensors: No space left on device", RootCause.message(reported));
        assertFalse(RootCause.isBadInput(reported));
        reported.addSuppressed(new IllegalArgumentException("record a.png is 1×32×32"));
        assertTrue(RootCause.isBadInput(reported), "a replica that failed on bad input makes the failure bad input");
    }

    @Test
    void aTaskTraceThatOnlySparksMessageCarriesIsReadFromTheMessage() {
        String trace = "java.io.UncheckedIOException: cannot write runs/x/checkpoints/step-10.safetensors: No space left on device\n"
                + "\tat io.ringtrain.jobs.run.RunFolder.writeBytes(RunFolder.java:70)\nCaused by: java.io.IOException: No space left on device";
        Exception spark = new RuntimeException(barrierFailure(trace)); // no cause: the task's exception did not deserialise

        assertEquals("cannot write runs/x/checkpoints/step-10.safetensors: No space left on device", RootCause.message(spark));
    }

    @Test
    void ourMessageThatQuotesTheCauseIsKeptWithItsAdvice() {
        Exception disk = new IOException("No space left on device");
        Exception failed = new TrainingFailedException("training failed after 1 attempt(s): IOException: No space left on device; the run folder runs/x "
                + "keeps the checkpoints, rerun the same command to resume", new RuntimeException(disk));

        assertEquals(failed.getMessage(), RootCause.message(failed));
    }

    @Test
    void wrappersWithoutAMessageOfTheirOwnArePassedOver() {
        Exception cause = new IllegalStateException("expected one summary from rank 0, got 2");

        assertEquals(cause.getMessage(), RootCause.message(new RuntimeException(new RuntimeException(cause))));
        assertEquals(cause.getMessage(), RootCause.message(new RuntimeException((String) null, cause)));
    }

    @Test
    void anErrorOrAMessagelessExceptionIsNamedByItsClass() {
        assertEquals("OutOfMemoryError: Java heap space", RootCause.message(new RuntimeException(new OutOfMemoryError("Java heap space"))));
        assertEquals("NullPointerException", RootCause.message(new NullPointerException()));
    }

    @Test
    void onlyAPeersSymptomIsStillReported() {
        Exception peer = new IllegalStateException("replica 1 closed the connection (step 3)");

        assertEquals(peer.getMessage(), RootCause.message(new RuntimeException(peer)));
    }

    @Test
    void badInputIsAnIllegalArgumentAnywhereInTheChainOrInTheTaskTrace() {
        assertTrue(RootCause.isBadInput(new TrainingFailedException("training failed", new RuntimeException(new IllegalArgumentException("wrong size")))));
        assertTrue(RootCause.isBadInput(new RuntimeException(barrierFailure("io.ringtrain.jobs.data.BadRecordException: record a.png is 1×32×32"))));
        assertFalse(RootCause.isBadInput(new TrainingFailedException("training failed", new UncheckedIOException(new IOException("No space left on device")))));
        assertFalse(RootCause.isBadInput(new OutOfMemoryError("Java heap space")));
    }
}
