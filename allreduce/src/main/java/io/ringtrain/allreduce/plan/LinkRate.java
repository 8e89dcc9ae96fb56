package io.ringtrain.allreduce.plan;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A link's rate in Gbit/s; 0 is loopback, where no link limits the ring (only the hosts' TCP cost). */
public record LinkRate(double gbit) {
  public static final LinkRate LOOPBACK = new LinkRate(0);

  private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,5})(gbit|mbit)");

  public LinkRate {
    if (!(gbit >= 0) || Double.isInfinite(gbit)) throw new IllegalArgumentException("link rate " + gbit + " Gbit/s is not a rate");
  }

  /** {@code 25gbit}, {@code 500mbit} (as ringtrain-hosts' --rate); anything else is refused, naming it. */
  public static LinkRate parse(String text) {
    Matcher m = RATE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("--link '" + text + "' is not a rate: give a whole number of gbit or mbit, e.g. 25gbit or 500mbit");
    }
    long value = Long.parseLong(m.group(1));
    return new LinkRate(m.group(2).equals("gbit") ? value : value / 1000.0);
  }

  /** Seconds the link takes per payload byte at the given efficiency (share of the rate left to payload); 0 on loopback. */
  public double secondsPerByte(double efficiency) {
    return gbit == 0 ? 0 : 8.0 / (efficiency * gbit * 1e9);
  }

  @Override
  public String toString() {
    if (gbit == 0) return "loopback";
    if (gbit < 1) return Math.round(gbit * 1000) + " Mbit/s";
    return (gbit == Math.rint(gbit) ? Long.toString((long) gbit) : Double.toString(gbit)) + " Gbit/s";
  }
}
