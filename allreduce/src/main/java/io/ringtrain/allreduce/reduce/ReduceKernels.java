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

  private static final boolean NATIVE_FLOATS = nativeFloatsLink();

  /**
   * Whether {@link NativeFloatKernel} serves on this JVM: SIMD is on and its Vector API reads
   * native memory. Ask here, not the class itself, which cannot load without the Vector API.
   */
  public static boolean nativeFloats() {
    return NATIVE_FLOATS;
  }

  private static boolean nativeFloatsLink() {
    // -Dringtrain.allreduce.nativeReduce=false keeps the array route (for A/B measurements)
    if (!Boolean.parseBoolean(System.getProperty("ringtrain.allreduce.nativeReduce", "true"))) return false;
    try {
      return PREFERRED instanceof VectorReduceKernel && NativeFloatKernel.available();
    } catch (LinkageError e) {
      return false;
    }
  }

  private static final java.util.concurrent.atomic.AtomicBoolean WARMED = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Runs every kernel on small arrays in a background thread, once per JVM, so that C2 has
   * compiled them (Vector API calls run a slow Java fallback until then: the first 16 MiB
   * all-reduce took over a second before this) by the time the ring has connected.
   */
  public static void warmUpInBackground() {
    // -Dringtrain.allreduce.kernelWarmUp=false skips it (short-lived JVMs, or C1-only ones,
    // where it would only burn CPU)
    if (!Boolean.parseBoolean(System.getProperty("ringtrain.allreduce.kernelWarmUp", "true"))) return;
    if (!WARMED.compareAndSet(false, true)) return;
    Thread warmUp = new Thread(ReduceKernels::warmUp, "ringtrain-kernel-warmup");
    warmUp.setDaemon(true);
    warmUp.setPriority(Thread.MIN_PRIORITY);
    warmUp.start();
  }

  static void warmUp() {
    // short arrays and many calls: C2 compiles a method after ~10k calls, and until then each
    // call runs the slow fallback, so long arrays would only make the warm-up slower (a few
    // vectors of the widest species, 512 bits, plus a scalar tail)
    float[] floats = new float[67];
    float[] otherFloats = new float[67];
    double[] doubles = new double[35];
    double[] otherDoubles = new double[35];
    for (int i = 0; i < 11_000; i++) {
      for (io.ringtrain.allreduce.ReduceOp op : new io.ringtrain.allreduce.ReduceOp[] {io.ringtrain.allreduce.ReduceOp.SUM, io.ringtrain.allreduce.ReduceOp.MAX, io.ringtrain.allreduce.ReduceOp.MIN}) {
        PREFERRED.reduce(op, floats, 0, otherFloats, 0, floats.length);
        PREFERRED.reduce(op, doubles, 0, otherDoubles, 0, doubles.length);
      }
      PREFERRED.divide(floats, 0, floats.length, 3f);
      PREFERRED.divide(doubles, 0, doubles.length, 3d);
    }
    if (!NATIVE_FLOATS) return;
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(floats.length * Float.BYTES);
    java.nio.ByteBuffer otherDirect = java.nio.ByteBuffer.allocateDirect(floats.length * Float.BYTES);
    for (int i = 0; i < 11_000; i++) {
      for (io.ringtrain.allreduce.ReduceOp op : new io.ringtrain.allreduce.ReduceOp[] {io.ringtrain.allreduce.ReduceOp.SUM, io.ringtrain.allreduce.ReduceOp.MAX, io.ringtrain.allreduce.ReduceOp.MIN}) {
        NativeFloatKernel.reduce(op, direct, 0, otherDirect, 0, floats.length);
        NativeFloatKernel.reduce(op, floats, 0, otherDirect, 0, floats.length);
      }
    }
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
