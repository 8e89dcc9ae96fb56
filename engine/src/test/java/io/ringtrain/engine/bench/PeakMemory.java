package io.ringtrain.engine.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmarks' {@code peak_memory_bytes} for our side, the counterpart of the reference's peak
 * resident set growth: the memory a step needs, not what the JVM happens to hold.
 *
 * <p>ours = peak live bytes + young generation, over the live bytes before the model was built:
 * <ul>
 *   <li>live bytes: heap in use right after a full collection, plus direct and mapped buffers. The
 *       peak is sampled by back-to-back full collections on another thread while the step runs
 *       ({@link #peakLiveDuring}); a buffer that lives only between two samples is missed.</li>
 *   <li>young generation: the committed eden and survivor spaces at their largest over the timed
 *       rounds ({@link #sampleYoung}), the room the step's short-lived arrays are allocated in. The
 *       JVM reuses freed memory only after a young collection, so this is its counterpart of the
 *       freed blocks that PyTorch's allocator keeps and that count in PyTorch's resident set.</li>
 * </ul>
 * Not counted: old-generation garbage and free heap, which a smaller -Xmx removes without slowing the
 * step (the bench runs at the -Xmx that {@code deploy/bin/bench} gives it, the executor memory the docs
 * advise). The heap pools' peak use, which counts every uncollected array and so follows -Xmx, and the
 * process's peak RSS growth are printed beside it.
 */
final class PeakMemory {
    private final long baselineLive;
    private final long rssBefore;
    private long youngPeak;
    private long committedPeak;

    /** Takes the baseline: call before the model and its tensors exist. */
    PeakMemory() {
        baselineLive = liveBytes();
        rssBefore = procStatus("VmRSS");
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Records the young generation's and the heap's committed sizes now; call between timed steps. */
    void sampleYoung() {
        long young = 0, committed = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) continue;
            long c = pool.getUsage().getCommitted();
            committed += c;
            if (pool.getName().contains("Eden") || pool.getName().contains("Survivor")) young += c;
        }
        youngPeak = Math.max(youngPeak, young);
        committedPeak = Math.max(committedPeak, committed);
    }

    /**
     * Runs {@code step} {@code times} times, untimed, sampling the live bytes meanwhile; returns ours
     * (see the class comment) and prints its parts to stderr with {@code label}. Call after the timed rounds.
     */
    long measure(Runnable step, int times, String label) throws InterruptedException {
        long heapPoolsPeak = heapPoolsPeak();
        long live = 0;
        for (int i = 0; i < times; i++) live = Math.max(live, peakLiveDuring(step));
        long ours = live + youngPeak - baselineLive;
        System.err.printf(java.util.Locale.ROOT, "%s ours: peak_memory_bytes %d = peak live %d + young generation %d - baseline live %d;"
                        + " heap committed at most %d, heap pools' peak use %d, peak RSS growth %d (max heap %d)%n",
                label, ours, live, youngPeak, baselineLive, committedPeak, heapPoolsPeak, procStatus("VmHWM") - rssBefore,
                Runtime.getRuntime().maxMemory());
        return ours;
    }

    /** Peak of {@link #liveBytes} sampled by back-to-back full collections while {@code step} runs once. */
    static long peakLiveDuring(Runnable step) throws InterruptedException {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong peak = new AtomicLong(liveBytes());
        Thread sampler = new Thread(() -> {
            while (!done.get()) peak.accumulateAndGet(liveBytes(), Math::max);
        }, "peak-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            step.run();
        } finally {
            done.set(true);
            sampler.join();
        }
        return Math.max(peak.get(), liveBytes());
    }

    /** Heap in use after a full collection, plus direct and mapped buffers. */
    static long liveBytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + buffersInUse();
    }

    private static long heapPoolsPeak() {
        long sum = buffersInUse();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    private static long buffersInUse() {
        long sum = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) sum += Math.max(0, pool.getMemoryUsed());
        return sum;
    }

    /** A VmRSS / VmHWM figure of /proc/self/status in bytes (0 where there is none). */
    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
