package io.ringtrain.engine.cpu;

/**
 * Chooses the CPU kernels once per JVM. The Vector API lives in the incubator module
 * {@code jdk.incubator.vector}, which the JVM only resolves when started with
 * {@code --add-modules jdk.incubator.vector}. Without it, touching a class that uses
 * {@code FloatVector} fails with NoClassDefFoundError, so the Vector API classes are loaded
 * by name, and only after checking that the module is in the boot layer. Without the module the
 * scalar kernels run (correct, several times slower for GEMM) and one warning line says which
 * flag to add.
 *
 * <p>{@code -Dringtrain.kernels=scalar} forces the scalar kernels (no warning), e.g. to compare.
 */
public final class VectorSupport {
    private VectorSupport() {}

    /** The incubator module that holds the Vector API. */
    public static final String MODULE = "jdk.incubator.vector";
    /** System property: {@code scalar} forces the scalar kernels. */
    public static final String KERNELS_PROPERTY = "ringtrain.kernels";

    private static final String SIMD_KERNELS_CLASS = "io.ringtrain.engine.cpu.SimdKernels";

    static final CpuKernels KERNELS = choose();

    /** True when the JVM was started with the Vector API module. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    private static CpuKernels choose() {
        if ("scalar".equalsIgnoreCase(System.getProperty(KERNELS_PROPERTY, "").trim())) {
            return new ScalarKernels();
        }
        if (!vectorModulePresent()) {
            warn("the JDK Vector API module is not loaded, so the CPU kernels run as scalar loops "
                    + "(slow GEMM and convolutions); add the JVM flag --add-modules " + MODULE
                    + " (and to spark.driver/executor.extraJavaOptions on Spark)");
            return new ScalarKernels();
        }
        try {
            return (CpuKernels) Class.forName(SIMD_KERNELS_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            warn("the Vector API kernels failed to load (" + e + "), so the CPU kernels run as scalar "
                    + "loops; check that this JDK supports " + MODULE);
            return new ScalarKernels();
        }
    }

    /** One line on stderr: it must reach users who have not configured any logging. */
    private static void warn(String message) {
        System.err.println("[ringtrain] WARNING: " + message);
    }
}
