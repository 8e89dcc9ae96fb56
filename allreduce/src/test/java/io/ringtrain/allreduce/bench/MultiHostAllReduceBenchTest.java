package io.ringtrain.allreduce.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtrain.allreduce.bench.MultiHostAllReduceBench.Timing;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiHostAllReduceBenchTest {
  private static final int SIZE = 64 << 20;

  @Test
  void vsGlooLineCarriesTheMedianCpuOfEachSideInMilliseconds() {
    List<Timing> ours = List.of(new Timing(0.20, 0.070, 0.050), new Timing(0.19, 0.090, 0.060), new Timing(0.21, 0.080, 0.040));
    List<Timing> gloo = List.of(new Timing(0.16, 0.012, 0.066), new Timing(0.15, 0.014, 0.070), new Timing(0.17, 0.010, 0.068));

    ObjectNode line = MultiHostAllReduceBench.line(3, 5, SIZE, "vs-gloo", 1.0, 1.0, ours, gloo);

    assertEquals(80.0, line.get("ours_cpu_user_ms").asDouble(), 1e-9);
    assertEquals(50.0, line.get("ours_cpu_sys_ms").asDouble(), 1e-9);
    assertEquals(12.0, line.get("reference_cpu_user_ms").asDouble(), 1e-9);
    assertEquals(68.0, line.get("reference_cpu_sys_ms").asDouble(), 1e-9);
    assertEquals(200.0, line.get("ours_median_ms").asDouble(), 1e-9);
  }

  @Test
  void cpuIsLeftOutWhereARankCouldNotReadProc() {
    // BenchRankMain reports -1 ns where /proc/self/stat is missing
    List<Timing> ours = List.of(new Timing(0.20, -1e-9, -1e-9), new Timing(0.19, 0.090, 0.060));

    ObjectNode line = MultiHostAllReduceBench.line(2, 1, SIZE, "bus_bw_vs_link", 1.0, 1.0, ours, null);

    assertFalse(line.has("ours_cpu_user_ms"));
    assertFalse(line.has("ours_cpu_sys_ms"));
    assertFalse(line.has("reference_cpu_user_ms"));
  }
}
