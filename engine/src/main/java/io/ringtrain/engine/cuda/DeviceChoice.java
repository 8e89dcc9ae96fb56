package io.ringtrain.engine.cuda;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the user asked for with {@code --device}: {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}.
 * {@link #resolve} turns the choice into the {@link Device} that will run, given what CUDA reports.
 */
public record DeviceChoice(Kind kind, int ordinal) {
    public enum Kind { CPU, CUDA, AUTO }

    public static final DeviceChoice CPU = new DeviceChoice(Kind.CPU, 0);
    public static final DeviceChoice CUDA = new DeviceChoice(Kind.CUDA, 0);
    public static final DeviceChoice AUTO = new DeviceChoice(Kind.AUTO, 0);

    public DeviceChoice {
        if (ordinal < 0) throw new IllegalArgumentException("CUDA device ordinal " + ordinal + " is negative");
    }

    /** Parses {@code cpu | cuda | cuda:N | auto} (case-insensitive, surrounding blanks ignored). */
    public static DeviceChoice parse(String text) {
        if (text == null) throw new IllegalArgumentException("--device is missing: use cpu, cuda, cuda:N or auto");
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "cpu": return CPU;
            case "cuda": case "gpu": return CUDA;
            case "auto": return AUTO;
            default:
        }
        if (s.startsWith("cuda:")) {
            try {
                return new DeviceChoice(Kind.CUDA, Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("--device '" + text + "' is not one of cpu, cuda, cuda:N (N = GPU ordinal) or auto");
    }

    /** Resolves against the process's CUDA probe; an {@code auto} fallback prints one notice line on stderr. */
    public Device resolve() {
        return resolve(CudaRuntime.availability(), System.err::println);
    }

    /**
     * {@code cpu} is always the CPU; {@code cuda} needs a usable device with that ordinal and fails
     * otherwise, naming why; {@code auto} takes CUDA device {@code ordinal} when usable and the CPU
     * otherwise, sending exactly one notice line (with the reason) to {@code notices}.
     */
    public Device resolve(CudaRuntime.Availability cuda, Consumer<String> notices) {
        switch (kind) {
            case CPU:
                return Device.CPU;
            case CUDA:
                if (!cuda.usable()) {
                    throw new IllegalStateException("--device cuda: no usable CUDA device (" + cuda.reason()
                            + "); run with --device cpu or auto, or fix the CUDA installation");
                }
                if (ordinal >= cuda.deviceCount()) {
                    throw new IllegalStateException("--device cuda:" + ordinal + ": only " + cuda.deviceCount()
                            + " CUDA device(s) visible (ordinals 0.." + (cuda.deviceCount() - 1) + ")");
                }
                return Device.cuda(ordinal);
            default:
                if (cuda.usable() && ordinal < cuda.deviceCount()) return Device.cuda(ordinal);
                notices.accept("ringtrain: --device auto found no usable CUDA device (" + cuda.reason()
                        + "); running on the CPU backend");
                return Device.CPU;
        }
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + ordinal : kind.name().toLowerCase(Locale.ROOT);
    }
}
