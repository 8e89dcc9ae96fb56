package io.ringtrain.engine;

import io.ringtrain.engine.cuda.CudaGemmOffload;
import io.ringtrain.engine.cuda.Device;
import io.ringtrain.engine.cuda.EngineDevice;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs a whole test session on another device when asked: with {@code -Dringtrain.device=cuda} (and
 * optionally {@code -Dringtrain.gemm.precision}, {@code -Dringtrain.gemm.offloadMinWork}, see
 * {@link EngineDevice}) every engine test, golden and gradcheck ones included, runs with its GEMMs
 * offloaded to the GPU and its existing tolerances. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, so test classes need no
 * change; without the property it does nothing. {@code cuda} on a machine without a usable GPU fails
 * the session's start with the reason (use {@code auto} to fall back with a notice).
 */
public final class DeviceSessionListener implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Device device = EngineDevice.useFromSystemProperties();
        if (device != null) {
            CudaGemmOffload offload = EngineDevice.installedOffload();
            System.err.println("ringtrain tests: -D" + EngineDevice.DEVICE_PROPERTY + " → " + device
                    + (offload == null ? " (GEMMs on the CPU)" : "; " + offload));
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        CudaGemmOffload offload = EngineDevice.installedOffload();
        if (offload != null) System.err.println("ringtrain tests, at the end: " + offload);
    }
}
