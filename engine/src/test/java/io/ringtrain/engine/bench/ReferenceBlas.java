package io.ringtrain.engine.bench;

import java.io.File;
import java.io.IOException;

/**
 * The BLAS under the PyTorch references of the step benchmarks. Debian's python3-torch calls
 * libblas.so.3, which is the netlib reference BLAS (about 10× slower) unless OpenBLAS is installed;
 * without the system package, {@code RINGTRAIN_OPENBLAS=/path/to/openblas-pthread/libopenblas.so.0}
 * (extracted with {@code dpkg-deb -x} from libopenblas0-pthread) puts that folder, which holds
 * OpenBLAS's libblas.so.3, first on the reference's library path. OpenBLAS gets the reference's
 * thread count, and the machine-specific overrides of the caller's environment are dropped.
 */
final class ReferenceBlas {
    private ReferenceBlas() {}

    static void configure(ProcessBuilder reference, int threads) throws IOException {
        reference.environment().remove("OPENBLAS_CORETYPE");
        reference.environment().remove("OPENBLAS_L2_SIZE");
        reference.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        String openblas = System.getenv("RINGTRAIN_OPENBLAS");
        if (openblas == null || openblas.isBlank()) return;
        File folder = new File(openblas).getAbsoluteFile().getParentFile();
        if (!new File(folder, "libblas.so.3").isFile()) {
            throw new IOException("RINGTRAIN_OPENBLAS=" + openblas + ": " + folder + " holds no libblas.so.3; point it at the libopenblas.so.0 "
                    + "of an openblas-pthread folder (from the libopenblas0-pthread package)");
        }
        String path = reference.environment().get("LD_LIBRARY_PATH");
        reference.environment().put("LD_LIBRARY_PATH", folder + (path == null || path.isEmpty() ? "" : ":" + path));
    }
}
