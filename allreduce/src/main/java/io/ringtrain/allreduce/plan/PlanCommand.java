package io.ringtrain.allreduce.plan;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code deploy/bin/ringtrain-plan}: the fitted {@link CostModel}'s prediction for one cluster and
 * model. Bad input is one line naming it, exit status 2.
 */
public final class PlanCommand {
  static final String USAGE = "usage: ringtrain-plan --workers W --link RATE (--model " + KnownModel.names().replace(", ", "|")
      + " | --params N --step-ms T) [--step-ms T]\n"
      + "  W executors, one a host; RATE each host's link, e.g. 25gbit or 500mbit; T one replica's compute per step in ms";
  private static final List<String> OPTIONS = List.of("--workers", "--link", "--model", "--params", "--step-ms");

  private PlanCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Prints the plan to {@code out}; returns the exit status (2 on bad input, after one line on {@code err}). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || List.of("-h", "--help").contains(args[0])) {
      out.println(USAGE);
      return 0;
    }
    try {
      Map<String, String> options = parse(args);
      int world = parseInt("--workers", required(options, "--workers"));
      LinkRate link = LinkRate.parse(required(options, "--link"));
      String stepMs = options.get("--step-ms");
      KnownModel known = null;
      long parameters;
      if (options.containsKey("--model") == options.containsKey("--params")) {
        throw new IllegalArgumentException("give either --model (" + KnownModel.names() + ") or --params N, not " + (options.containsKey("--model") ? "both" : "neither"));
      } else if (options.containsKey("--model")) {
        known = KnownModel.byName(options.get("--model"));
        parameters = known.parameters();
      } else {
        parameters = parseLong("--params", options.get("--params"));
        if (stepMs == null) throw new IllegalArgumentException("--params needs --step-ms T, one replica's compute per step in ms");
      }
      double computeMs = stepMs != null ? parseDouble("--step-ms", stepMs) : known.stepMillis();
      if (!(computeMs > 0) || Double.isInfinite(computeMs)) throw new IllegalArgumentException("--step-ms '" + stepMs + "' must be a positive number of milliseconds");
      Planner.Plan plan = new Planner(CostModel.FITTED).plan(world, link, 4 * parameters, computeMs / 1e3);
      print(plan, known == null ? parameters + " parameters" : known.cliName() + " (" + String.format(Locale.ROOT, "%,d", parameters) + " parameters)",
          stepMs != null ? "given" : known.stepSource(), out);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("ringtrain-plan: " + e.getMessage());
      return 2;
    }
  }

  private static void print(Planner.Plan p, String what, String stepSource, PrintStream out) {
    out.printf(Locale.ROOT, "%d workers, %s links, %s: %s of float32 gradients; compute %.1f ms a step (%s)%n",
        p.world(), p.link(), what, bytes(p.gradientBytes()), p.computeSeconds() * 1e3, stepSource);
    out.printf(Locale.ROOT, "all-reduce per step:  %.2f ms (25 MiB buckets, the default)%n", p.allReduceSeconds() * 1e3);
    out.printf(Locale.ROOT, "step time:            %.2f ms (one worker alone: %.2f ms)%n", p.stepSeconds() * 1e3, p.computeSeconds() * 1e3);
    out.printf(Locale.ROOT, "scaling efficiency:   %.3f%n", p.scalingEfficiency());
    out.printf(Locale.ROOT, "recommended:          buckets %s (ReplicaOptions.bucketCapBytes), segments %s (optSegmentBytes), "
        + "recursive doubling up to %s (optSmallBufferBytes)%n", bytes(p.bucketBytes()), bytes(p.segmentBytes()), bytes(p.smallBufferBytes()));
    out.printf(Locale.ROOT, "with them:            all-reduce %.2f ms, step %.2f ms, scaling efficiency %.3f%n",
        p.recommendedAllReduceSeconds() * 1e3, p.recommendedStepSeconds() * 1e3, p.recommendedScalingEfficiency());
  }

  static String bytes(long n) {
    if (n >= (1L << 20)) return n % (1L << 20) == 0 ? (n >> 20) + " MiB" : String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
    if (n >= 1024 && n % 1024 == 0) return (n >> 10) + " KiB";
    return n + " B";
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (!OPTIONS.contains(name)) throw new IllegalArgumentException("unknown option '" + name + "': " + String.join(", ", OPTIONS));
      if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
      if (options.put(name, args[i + 1]) != null) throw new IllegalArgumentException(name + " is given twice");
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) throw new IllegalArgumentException(name + " is missing (" + USAGE.lines().findFirst().orElseThrow() + ")");
    return value;
  }

  private static int parseInt(String name, String value) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
    }
    if (n < 1) throw new IllegalArgumentException(name + " " + n + " must be at least 1");
    return n;
  }

  private static long parseLong(String name, String value) {
    long n;
    try {
      n = Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
    }
    if (n < 1 || n > (1L << 40)) throw new IllegalArgumentException(name + " " + n + " must be between 1 and 2^40");
    return n;
  }

  private static double parseDouble(String name, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " '" + value + "' is not a number");
    }
  }
}
