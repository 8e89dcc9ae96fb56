package io.ringtrain.allreduce.reduce;

/**
 * Chooses the kernel once per JVM: the Vector API one when {@code jdk.incubator.vector} is in the
 * boot layer, else the scalar reference with one warning naming the flag that enables SIMD.
 */
public final class ReduceKernels {
  private static final ReduceKernel PREFERRED = choose();

  private ReduceKernels() {}

  public static ReduceKernel preferred() {
    return PREFERRED;
  }

  private static ReduceKernel choose() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        return new VectorReduceKernel();
      } catch (LinkageError e) {
        // fall through to the scalar kernel below
      }
    }
    System.getLogger(ReduceKernels.class.getName())
        .log(
            System.Logger.Level.WARNING,
            "jdk.incubator.vector is not available: all-reduce uses the scalar kernel; "
                + "add --add-modules jdk.incubator.vector to the JVM flags for SIMD");
    return new ScalarReduceKernel();
  }
}
