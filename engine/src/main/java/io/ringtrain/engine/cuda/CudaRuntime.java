package io.ringtrain.engine.cuda;

import org.bytedeco.cuda.global.cudart;

/**
 * Whether this process can use CUDA, probed once. The probe loads JavaCPP's cudart bindings (which
 * need libcuda.so.1 from the driver and libcudart.so.13 on the library path) and counts devices; any
 * failure (no driver, no libraries, no device) becomes a reason string, never an exception, so that a
 * machine without a GPU runs the CPU backend. {@code -Dringtrain.cuda.disabled=true} skips the probe.
 */
public final class CudaRuntime {
    private static volatile Availability cached;

    private CudaRuntime() {}

    /**
     * @param usable        at least one device answered
     * @param deviceCount   devices visible to this process (CUDA_VISIBLE_DEVICES applies)
     * @param reason        why CUDA is not usable, or a one-line summary when it is
     * @param driverVersion e.g. 13000 for CUDA 13.0 (0 when unknown)
     * @param runtimeVersion the cudart the bindings loaded (0 when unknown)
     */
    public record Availability(boolean usable, int deviceCount, String reason, int driverVersion, int runtimeVersion) {
        public static Availability unusable(String reason) {
            return new Availability(false, 0, reason, 0, 0);
        }
    }

    /** True when CUDA device 0 can be used. */
    public static boolean available() {
        return availability().usable();
    }

    public static Availability availability() {
        Availability a = cached;
        if (a == null) {
            synchronized (CudaRuntime.class) {
                if (cached == null) cached = probe();
                a = cached;
            }
        }
        return a;
    }

    private static Availability probe() {
        if (Boolean.getBoolean("ringtrain.cuda.disabled")) {
            return Availability.unusable("disabled by -Dringtrain.cuda.disabled=true");
        }
        try {
            int[] count = new int[1];
            int rc = cudart.cudaGetDeviceCount(count);   // first touch loads the JNI library and libcudart
            if (rc != cudart.cudaSuccess) {
                return Availability.unusable("cudaGetDeviceCount failed: " + CudaException.runtimeErrorName(rc));
            }
            if (count[0] == 0) return Availability.unusable("the CUDA driver reports no device");
            int[] driver = new int[1], runtime = new int[1];
            cudart.cudaDriverGetVersion(driver);
            cudart.cudaRuntimeGetVersion(runtime);
            return new Availability(true, count[0], count[0] + " CUDA device(s), driver " + version(driver[0])
                    + ", runtime " + version(runtime[0]), driver[0], runtime[0]);
        } catch (LinkageError | RuntimeException e) {
            // UnsatisfiedLinkError (no libcuda/libcudart), NoClassDefFoundError (bindings not on the
            // class path), ExceptionInInitializerError (JavaCPP's loader gave up).
            return Availability.unusable(firstLine(e));
        }
    }

    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? "" : root.getMessage();
        int nl = msg.indexOf('\n');
        if (nl >= 0) msg = msg.substring(0, nl);
        if (msg.length() > 200) msg = msg.substring(0, 200) + "...";
        return "CUDA libraries not loadable: " + root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }
}
