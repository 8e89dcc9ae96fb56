package io.ringtrain.jobs.progress;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.ringtrain.allreduce.auth.Rejections;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated progress lines from an authenticated peer, through the server's line path into the
 * display: bit flips, truncation, huge numbers, wrong types, deep nesting, invalid UTF-8. None may
 * throw out of the I/O thread, close the connection, print a bar that is not one, or print a line
 * sized by a number in the input.
 */
class ProgressLineFuzzTest {
    private static final int CASES = 3000;
    private static final int MAX_PRINTED_LINE = 1000;
    private static final String STEP = "{\"type\":\"step\",\"epoch\":1,\"step\":3,\"global_step\":3,\"total_steps\":10,\"loss\":0.5,"
            + "\"lr\":0.1,\"samples\":64,\"samples_per_s\":10.0,\"eta_s\":5.0}";
    private static final String EPOCH = "{\"type\":\"epoch\",\"epoch\":1,\"train_loss\":0.4,\"train_samples\":640,\"eval_loss\":0.3,"
            + "\"eval_accuracy\":0.9,\"seconds\":12.5}";
    private static final Pattern BAR = Pattern.compile("^\\[(=*)( *)\\] +\\d+%  epoch -?\\d+  step (\\d+)/(\\d+)  loss .*");
    private static final String[] HUGE = {"1" + "0".repeat(900), "1e308", "-1e308", "9223372036854775808", "-9223372036854775809",
            "2147483648", "NaN", "1.9e9", "\"x\"", "[]", "{}", "null", "true", "\"" + "9".repeat(500) + "\""};
    private static final String[] FIELDS = {"global_step", "total_steps", "samples", "epoch", "loss", "seconds", "eval_accuracy", "type"};

    private static byte[] mutate(Random random) {
        String base = random.nextBoolean() ? STEP : EPOCH;
        byte[] bytes;
        switch (random.nextInt(6)) {
            case 0 -> { // bit flips
                bytes = base.getBytes(StandardCharsets.UTF_8);
                for (int i = random.nextInt(4); i >= 0; i--) bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            }
            case 1 -> bytes = base.substring(0, random.nextInt(base.length())).getBytes(StandardCharsets.UTF_8); // truncation
            case 2 -> { // a field replaced by a huge number or a wrong type
                String field = FIELDS[random.nextInt(FIELDS.length)];
                bytes = base.replaceFirst("\"" + field + "\":[^,}]*", "\"" + field + "\":" + Matcher.quoteReplacement(HUGE[random.nextInt(HUGE.length)]))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 3 -> { // deep nesting
                int depth = 500 + random.nextInt(5000);
                bytes = ("{\"type\":\"step\",\"global_step\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + ",\"total_steps\":10}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> { // invalid UTF-8
                bytes = base.getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(bytes.length);
                bytes[at] = (byte) (0x80 | random.nextInt(0x80));
            }
            default -> { // random bytes in a valid line
                bytes = base.getBytes(StandardCharsets.UTF_8);
                byte[] noise = new byte[1 + random.nextInt(16)];
                random.nextBytes(noise);
                int at = random.nextInt(bytes.length - noise.length);
                System.arraycopy(noise, 0, bytes, at, noise.length);
            }
        }
        byte[] line = Arrays.copyOf(bytes, bytes.length + 1);
        line[bytes.length] = '\n';
        return line;
    }

    @Test
    void mutatedLinesNeverThrowCloseTheChannelOrPrintABogusBar() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        long[] now = {0};
        ProgressDisplay display = new ProgressDisplay(new PrintStream(printed, true, StandardCharsets.UTF_8), () -> now[0], false);
        Rejections rejections = new Rejections();
        EmbeddedChannel server = new EmbeddedChannel(new LineBasedFrameDecoder(ProgressServer.MAX_LINE_BYTES, true, true),
                new ProgressServer.LineHandler(display::accept, rejections));
        Random random = new Random(20261205);
        for (int i = 0; i < CASES; i++) {
            now[0] += 3_000_000_000L; // past the log's redraw interval, so every acceptable step line prints
            server.writeInbound(Unpooled.wrappedBuffer(mutate(random)));
            server.checkException();
            assertTrue(server.isOpen(), "case " + i + " closed an authenticated connection");
        }
        assertEquals(0, rejections.count());
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() > CASES / 10, "too few lines reached the display for the fuzzing to mean anything: " + lines.size());
        for (String line : lines) {
            assertTrue(line.length() <= MAX_PRINTED_LINE, "a printed line of " + line.length() + " characters");
            if (line.startsWith("epoch ")) continue;
            Matcher bar = BAR.matcher(line);
            assertTrue(bar.matches(), "not a bar: " + line);
            assertEquals(ProgressDisplay.BAR_WIDTH, bar.group(1).length() + bar.group(2).length(), line);
            assertTrue(Long.parseLong(bar.group(3)) <= Long.parseLong(bar.group(4)), "a step past the total: " + line);
        }
    }
}
