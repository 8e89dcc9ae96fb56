package io.ringtrain.allreduce;

import io.netty.buffer.PooledByteBufAllocator;
import java.io.File;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Live threads, open file descriptors ({@code /proc/self/fd}), direct memory (the JDK's buffers
 * and Netty's pools) and heap in use of this JVM: what a test compares before and after hostile
 * traffic, once closed connections' threads and buffers have had time to go.
 */
record JvmFootprint(int threads, int descriptors, long directBytes, long heapBytes) {
  static final int THREAD_SLACK = 8;
  static final int DESCRIPTOR_SLACK = 16;
  static final long MEMORY_SLACK_BYTES = 64L << 20;

  static JvmFootprint now() {
    long direct = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) direct += pool.getMemoryUsed();
    }
    String[] fds = new File("/proc/self/fd").list();
    Runtime runtime = Runtime.getRuntime();
    return new JvmFootprint(
        ManagementFactory.getThreadMXBean().getThreadCount(), fds == null ? 0 : fds.length, direct, runtime.totalMemory() - runtime.freeMemory());
  }

  /**
   * The footprint once things have settled: polled (with a GC) for up to 10 s until it is within
   * the slack of {@code reference}, or, with none, until two readings agree on threads and descriptors.
   */
  static JvmFootprint settled(JvmFootprint reference) throws InterruptedException {
    JvmFootprint last = now();
    for (int i = 0; i < 100; i++) {
      Thread.sleep(100);
      System.gc();
      JvmFootprint next = now();
      if (reference == null ? next.threads == last.threads && next.descriptors == last.descriptors : next.isNear(reference)) return next;
      last = next;
    }
    return last;
  }

  boolean isNear(JvmFootprint reference) {
    return threads <= reference.threads + THREAD_SLACK
        && descriptors <= reference.descriptors + DESCRIPTOR_SLACK
        && directBytes <= reference.directBytes + MEMORY_SLACK_BYTES
        && heapBytes <= reference.heapBytes + MEMORY_SLACK_BYTES;
  }

  void assertNear(JvmFootprint reference) {
    if (!isNear(reference)) throw new AssertionError("the JVM grew from " + reference + " to " + this);
  }
}
