package io.ringtrain.engine;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-thread pool of intermediate gradients: each test runs on a fresh thread, so its pool starts empty. */
class GradientPoolTest {

    @Test
    void anArrayPutBackIsTakenAgainForTheSameLength() throws Exception {
        onFreshThread(() -> {
            float[] a = new float[1000];
            GradientPool.putBack(a);
            assertSame(a, GradientPool.take(1000));
            assertNotSame(a, GradientPool.take(1000), "a taken array is the taker's alone");
        });
    }

    /**
     * A thread that filled its pool with one model's sizes (an earlier test, training before
     * evaluation) must still reuse the next model's arrays: the old lengths are dropped, not the new.
     */
    @Test
    void aFullPoolDropsTheLeastRecentlyUsedLengthsForANewOne() throws Exception {
        onFreshThread(() -> {
            int oldLength = (int) (GradientPool.MAX_BYTES / 4 / GradientPool.PER_LENGTH);
            for (int i = 0; i < GradientPool.PER_LENGTH; i++) GradientPool.putBack(new float[oldLength]);
            assertTrue(GradientPool.heldBytes() == GradientPool.MAX_BYTES, "the old model's arrays fill the pool");
            float[] fresh = new float[4096];
            GradientPool.putBack(fresh);
            assertSame(fresh, GradientPool.take(4096));
            assertTrue(GradientPool.heldBytes() <= GradientPool.MAX_BYTES - 4L * oldLength, "at least one old array was dropped");
        });
    }

    private static void onFreshThread(Runnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() instanceof Error e) throw e;
        if (failure.get() != null) throw new AssertionError(failure.get());
    }
}
