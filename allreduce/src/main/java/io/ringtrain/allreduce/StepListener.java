package io.ringtrain.allreduce;

/**
 * Told, on the collective thread, when a collective enters a step of its algorithm (for example
 * {@code "reduce-scatter"} step 0). For tracing and for fault-injection tests; it must return
 * quickly.
 */
@FunctionalInterface
public interface StepListener {
  void stepStarted(String operation, long sequence, String phase, int step);
}
