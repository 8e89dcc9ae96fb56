package io.ringtrain.allreduce.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanCommandTest {
  private record Outcome(int status, String out, String err) {}

  private static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = PlanCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheStepTheEfficiencyAndTheRecommendedSizes() {
    Outcome o = run("--workers", "8", "--link", "25gbit", "--model", "resnet50");
    assertEquals(0, o.status(), o.err());
    Planner.Plan plan = new Planner(CostModel.FITTED).plan(8, new LinkRate(25), 4L * KnownModel.RESNET50.parameters(), 4.2);
    assertTrue(o.out().contains(String.format(Locale.ROOT, "all-reduce per step:  %.2f ms", plan.allReduceSeconds() * 1e3)), o.out());
    assertTrue(o.out().contains(String.format(Locale.ROOT, "scaling efficiency:   %.3f", plan.scalingEfficiency())), o.out());
    assertTrue(o.out().contains("buckets 25 MiB") && o.out().contains("segments 1 MiB"), o.out());
    assertTrue(o.out().contains("estimated"), "ResNet-50's step time is an estimate and says so: " + o.out());
  }

  @Test
  void paramsWithAStepTimeStandForAModel() {
    Outcome byParams = run("--workers", "32", "--link", "100gbit", "--params", "25557032", "--step-ms", "4200");
    Outcome byName = run("--workers", "32", "--link", "100gbit", "--model", "resnet50");
    assertEquals(0, byParams.status(), byParams.err());
    assertEquals(byName.out().lines().skip(1).toList(), byParams.out().lines().skip(1).toList());
  }

  @Test
  void badInputIsOneLineNamingItAndStatusTwo() {
    Map<List<String>, String> cases = Map.of(
        List.of("--workers", "8", "--link", "25gbit", "--model", "vgg16"), "vgg16",
        List.of("--workers", "8", "--link", "25gbps", "--model", "resnet50"), "25gbps",
        List.of("--workers", "0", "--link", "25gbit", "--model", "resnet50"), "--workers 0",
        List.of("--workers", "eight", "--link", "25gbit", "--model", "resnet50"), "eight",
        List.of("--workers", "8", "--link", "25gbit", "--model", "resnet50", "--params", "10"), "both",
        List.of("--workers", "8", "--link", "25gbit", "--params", "1000"), "--step-ms",
        List.of("--workers", "8", "--link", "25gbit", "--model", "resnet50", "--step-ms", "NaN"), "NaN",
        List.of("--workers", "8", "--model", "resnet50"), "--link",
        List.of("--workers", "8", "--link", "25gbit", "--modle", "resnet50"), "--modle");
    for (var c : cases.entrySet()) {
      Outcome o = run(c.getKey().toArray(String[]::new));
      assertEquals(2, o.status(), c.getKey() + ": " + o.out());
      assertEquals("", o.out(), "nothing printed on bad input");
      assertEquals(1, o.err().lines().count(), o.err());
      assertTrue(o.err().contains(c.getValue()), c.getKey() + " must name " + c.getValue() + ": " + o.err());
    }
  }
}
