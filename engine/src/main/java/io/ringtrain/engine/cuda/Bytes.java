package io.ringtrain.engine.cuda;

import java.util.Locale;

/** Human-readable byte counts for error messages and stats ("1.50 GiB"). */
final class Bytes {
    private Bytes() {}

    static String format(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
