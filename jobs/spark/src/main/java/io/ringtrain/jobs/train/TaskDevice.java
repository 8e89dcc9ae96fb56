package io.ringtrain.jobs.train;

import io.ringtrain.engine.cuda.DeviceChoice;

/**
 * Which device a replica task computes on. With {@code cuda} or {@code auto} the task takes the
 * GPU Spark assigned to it ({@code spark.task.resource.gpu.amount}, read from the task's
 * resources), so replicas sharing a host use different GPUs; an explicit {@code cuda:N} wins.
 * Without an assigned GPU, {@code cuda} and {@code auto} mean GPU 0 ({@code auto} falls back to
 * the CPU with one notice line when no GPU is usable; see {@link DeviceChoice#resolve}).
 */
public final class TaskDevice {
    private TaskDevice() {}

    /** {@code assignedGpus}: the addresses of the task's "gpu" resource, or null/empty when none. */
    public static DeviceChoice choose(DeviceSetting configured, String[] assignedGpus) {
        DeviceChoice choice = configured.choice();
        if (choice.kind() == DeviceChoice.Kind.CPU || configured.namesOrdinal() || assignedGpus == null || assignedGpus.length == 0) return choice;
        String address = assignedGpus[0].trim();
        try {
            return new DeviceChoice(choice.kind(), Integer.parseInt(address));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Spark assigned this task the GPU '" + address + "', which is not a CUDA ordinal; "
                    + "make the GPU discovery script report ordinals (0, 1, ...) or pass --device cuda:N");
        }
    }
}
