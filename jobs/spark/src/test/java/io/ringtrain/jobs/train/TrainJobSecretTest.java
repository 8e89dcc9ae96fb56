package io.ringtrain.jobs.train;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring and progress key is always drawn at random; Spark's own secret is only checked, never used. */
class TrainJobSecretTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private byte[] jobSecret(String sparkSecret) {
        SparkConf conf = new SparkConf(false);
        if (sparkSecret != null) conf.set("spark.authenticate.secret", sparkSecret);
        return TrainJob.jobSecret(conf, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    private List<String> consoleLines() {
        return console.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theKeyIsRandomAndNeverSparksSecretSoARecordedHandshakeCannotBeGuessedFromIt() {
        String sparkSecret = "sunshine1";
        byte[] first = jobSecret(sparkSecret), second = jobSecret(sparkSecret);
        assertEquals(32, first.length);
        assertFalse(Arrays.equals(first, second), "two jobs with the same Spark secret got the same key");
        String asText = new String(first, StandardCharsets.UTF_8);
        assertFalse(asText.contains(sparkSecret), "the key is built from spark.authenticate.secret");
        assertFalse(Arrays.equals(first, sparkSecret.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aWeakSparkSecretIsWarnedAboutOnceWithoutPrintingIt() {
        jobSecret("sunshine1");
        assertEquals(1, consoleLines().size(), consoleLines().toString());
        String line = consoleLines().get(0);
        assertTrue(line.startsWith("ringtrain: WARNING: spark.authenticate.secret is weak (9 characters"), line);
        assertTrue(line.contains("openssl rand"), "the warning says what to do: " + line);
        assertFalse(line.contains("sunshine1"), "the warning prints the secret");
    }

    @Test
    void aLongRepeatedWordIsWeakAndALongRandomSecretOrNoneIsNot() {
        assertTrue(TrainJob.weakSparkSecretWarning("sunshine1sunshine1sunshine1") != null, "fewer than 8 different characters");
        assertNull(TrainJob.weakSparkSecretWarning("q7Vx2LpW9sKd4NfR8tYb3ZcH"));
        assertNull(TrainJob.weakSparkSecretWarning(null));
        jobSecret(null);
        jobSecret("q7Vx2LpW9sKd4NfR8tYb3ZcH");
        assertEquals(List.of(), consoleLines());
    }
}
