package io.ringtrain.allreduce.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The connections a server closed during the handshake. Every one is counted; log lines are
 * limited to one per {@link Reason} per second, and the next line of that reason says how many
 * were left out, so that a flood of strangers neither fills the disk nor holds up the I/O threads
 * with logging. A logger that throws (after file-descriptor exhaustion, say) costs only the line;
 * callers close the connection in a finally all the same.
 *
 * <p>Thread-safe: one instance serves every I/O thread of a server.
 */
public final class Rejections {
  /** Why a connection was closed; each reason has its own log rate limit. */
  public enum Reason {
    /** Silence or a trickle past the handshake timeout. */
    TIMEOUT,
    /** Bytes that are not a ringtrain handshake: garbage, bad lengths, truncated or early frames. */
    MALFORMED,
    /** A ringtrain HELLO for another version, generation, world size or rank. */
    MISMATCH,
    /** The RESPONSE did not prove the job secret. */
    WRONG_SECRET,
    /** The secret was proved for a rank that is already connected. */
    DUPLICATE,
    /** Too many handshakes already wait for this rank's communicator, or too many connections are open at once. */
    BUSY,
    /** This server closed before its communicator was built. */
    SERVER_CLOSED
  }

  static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final System.Logger log;
  private final LongSupplier nanoClock;
  private final AtomicLong count = new AtomicLong();
  private final Map<Reason, LogWindow> windows = new EnumMap<>(Reason.class);

  /** The last line logged for one reason, and the rejections left out of the log since. */
  private static final class LogWindow {
    long loggedAtNanos;
    long leftOut;
  }

  public Rejections() {
    this(System.getLogger(ServerAuthHandler.class.getName()), System::nanoTime);
  }

  /** {@code nanoClock}: {@link System#nanoTime()} or a test's clock. */
  Rejections(System.Logger log, LongSupplier nanoClock) {
    this.log = log;
    this.nanoClock = nanoClock;
  }

  /** Counts a rejection and logs {@code line} unless this reason logged a line within the last second. */
  public void record(Reason reason, String line) {
    count.incrementAndGet();
    long leftOut;
    synchronized (windows) {
      long now = nanoClock.getAsLong();
      LogWindow window = windows.get(reason);
      if (window == null) {
        window = new LogWindow();
        windows.put(reason, window);
      } else if (now - window.loggedAtNanos < LOG_INTERVAL_NANOS) {
        window.leftOut++;
        return;
      }
      leftOut = window.leftOut;
      window.leftOut = 0;
      window.loggedAtNanos = now;
    }
    try {
      log.log(System.Logger.Level.WARNING, leftOut == 0 ? line : line + " (and " + leftOut + " more rejected as " + reason + " since the last such line)");
    } catch (RuntimeException | LinkageError loggingFailed) {
      // the connection is closed and counted already; an I/O thread cannot do more about a broken logger
    }
  }

  /** Connections rejected so far. */
  public long count() {
    return count.get();
  }
}
