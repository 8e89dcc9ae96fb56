package io.ringtrain.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link CpuPool}: every task runs exactly once, failures reach the caller, nesting cannot deadlock. */
class CpuPoolTest {
    private static final CpuPool POOL = new CpuPool(3);

    @Test
    void runsEveryTaskExactlyOnceAndWaitsForAll() {
        AtomicIntegerArray runs = new AtomicIntegerArray(1000);
        POOL.forEach(1000, runs::incrementAndGet);
        for (int i = 0; i < 1000; i++) assertEquals(1, runs.get(i), "task " + i);
    }

    @Test
    void usesHelperThreadsAsWellAsTheCaller() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int attempt = 0; attempt < 50 && threads.size() < 2; attempt++) {
            POOL.forEach(30, i -> {
                threads.add(Thread.currentThread().getName());
                long until = System.nanoTime() + 200_000;
                while (System.nanoTime() < until) Thread.onSpinWait();
            });
        }
        assertTrue(threads.size() >= 2, "threads seen: " + threads);
        assertTrue(threads.stream().filter(n -> n.startsWith("ringtrain-cpu-")).count() >= 1, "threads: " + threads);
    }

    @Test
    void aCallWhileAnotherRunsKeepsToItsOwnThreadAndTheHelpersServeTheFirst() throws Exception {
        // The first call's three tasks wait for each other, so they run at once on its caller and both helpers.
        java.util.concurrent.CountDownLatch allThreeRunning = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.CountDownLatch secondDone = new java.util.concurrent.CountDownLatch(1);
        Set<String> firstThreads = ConcurrentHashMap.newKeySet();
        Thread first = new Thread(() -> POOL.forEach(3, i -> { // as one replica in a long kernel
            firstThreads.add(Thread.currentThread().getName());
            allThreeRunning.countDown();
            try {
                allThreeRunning.await(30, java.util.concurrent.TimeUnit.SECONDS);
                secondDone.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "first-replica");
        first.start();
        assertTrue(allThreeRunning.await(30, java.util.concurrent.TimeUnit.SECONDS), "the first call's tasks all started: " + firstThreads);
        assertTrue(POOL.busy());

        Set<Thread> secondThreads = ConcurrentHashMap.newKeySet();
        POOL.forEach(40, i -> secondThreads.add(Thread.currentThread())); // the other replica meanwhile
        secondDone.countDown();
        first.join();

        assertEquals(Set.of(Thread.currentThread()), secondThreads, "the second call ran on its caller alone");
        assertEquals(3, firstThreads.size(), "the first call had the caller and both helpers: " + firstThreads);
        assertTrue(!POOL.busy(), "no call is running once both returned");
    }

    @Test
    void callerOnlyRunsEverythingOnTheCallingThread() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CpuPool.callerOnly().forEach(50, i -> threads.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), threads);
    }

    @Test
    void aTaskFailureIsRethrownToTheCaller() {
        IllegalStateException failure = new IllegalStateException("task 7 failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> POOL.forEach(20, i -> {
            if (i == 7) throw failure;
        }));
        assertSame(failure, thrown);
    }

    @Test
    void nestedForEachFromInsideATaskCompletes() {
        AtomicIntegerArray runs = new AtomicIntegerArray(8 * 8);
        POOL.forEach(8, outer -> POOL.forEach(8, inner -> runs.incrementAndGet(outer * 8 + inner)));
        for (int i = 0; i < 64; i++) assertEquals(1, runs.get(i), "task " + i);
    }

    @Test
    void rejectsABadThreadCountNamingTheProperty() {
        String previous = System.getProperty(CpuPool.THREADS_PROPERTY);
        try {
            System.setProperty(CpuPool.THREADS_PROPERTY, "two");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CpuPool::threadsFromProperty);
            assertTrue(e.getMessage().contains("-Dringtrain.threads=two"), e.getMessage());
            System.setProperty(CpuPool.THREADS_PROPERTY, "5");
            assertEquals(5, CpuPool.threadsFromProperty());
        } finally {
            if (previous == null) System.clearProperty(CpuPool.THREADS_PROPERTY);
            else System.setProperty(CpuPool.THREADS_PROPERTY, previous);
        }
        assertThrows(IllegalArgumentException.class, () -> new CpuPool(0));
    }
}
