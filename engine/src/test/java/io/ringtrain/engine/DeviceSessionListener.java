package io.ringtrain.engine;

import io.ringtrain.engine.backend.Backend;
import io.ringtrain.engine.backend.Placement;
import io.ringtrain.engine.cuda.CudaGemmOffload;
import io.ringtrain.engine.cuda.EngineDevice;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs a whole test session on another device when asked: with {@code -Dringtrain.device=cuda} (and
 * optionally {@code -Dringtrain.gemm.precision}, {@code -Dringtrain.gemm.offloadMinWork}, see
 * {@link EngineDevice}) every engine test, golden and gradcheck ones included, runs with its GEMMs
 * offloaded to the GPU and its existing tolerances: the session has no replica, so the backend becomes
 * the process default ({@link Placement#setProcessDefault}), which every thread without a binding uses. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, so test classes need no
 * change; without the property it does nothing. {@code cuda} on a machine without a usable GPU fails
 * the session's start with the reason (use {@code auto} to fall back with a notice).
 */
public final class DeviceSessionListener implements LauncherSessionListener {
    private Backend backend;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        backend = EngineDevice.backendFromSystemProperties();
        if (backend != null) {
            Placement.setProcessDefault(backend);
            System.err.println("ringtrain tests: -D" + EngineDevice.DEVICE_PROPERTY + "=" + System.getProperty(EngineDevice.DEVICE_PROPERTY)
                    + " → " + backend);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (backend instanceof CudaGemmOffload) System.err.println("ringtrain tests, at the end: " + backend);
    }
}
