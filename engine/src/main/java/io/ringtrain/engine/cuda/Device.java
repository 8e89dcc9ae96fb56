package io.ringtrain.engine.cuda;

/** The device that runs the engine's kernels: the CPU, or CUDA device {@code ordinal}. */
public record Device(boolean isCuda, int ordinal) {
    public static final Device CPU = new Device(false, 0);

    public static Device cuda(int ordinal) {
        if (ordinal < 0) throw new IllegalArgumentException("CUDA device ordinal " + ordinal + " is negative");
        return new Device(true, ordinal);
    }

    @Override
    public String toString() {
        return isCuda ? "cuda:" + ordinal : "cpu";
    }
}
