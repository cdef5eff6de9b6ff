package dev.covertree.engine.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /** A worker's state: which thread made it, and whether that thread closed it. */
    static final class State implements AutoCloseable {
        final Thread owner = Thread.currentThread();
        Thread closedBy;

        @Override
        public void close() {
            closedBy = Thread.currentThread();
        }
    }

    @Test
    void everyItemIsDoneOnceInLoopAfterLoopAndEachStateIsClosedByItsThread() {
        for (int loop = 0; loop < 200; loop++) {
            int total = 1000 + loop;
            AtomicIntegerArray done = new AtomicIntegerArray(total);
            List<State> states = Parallel.forEachChunk(3, total, 7, State::new, (s, from, to) -> {
                for (long i = from; i < to; i++) {
                    done.incrementAndGet((int) i);
                }
            });
            for (int i = 0; i < total; i++) {
                assertEquals(1, done.get(i), "item " + i + " of loop " + loop);
            }
            for (State s : states) {
                assertSame(s.owner, s.closedBy);
            }
        }
    }

    @Test
    void aFailureIsRethrownAfterEveryWorkerHasStopped() {
        AtomicLong running = new AtomicLong();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEachChunk(2, 10_000, 10,
                () -> null, (s, from, to) -> {
                    running.incrementAndGet();
                    try {
                        if (from == 500) {
                            throw new IllegalStateException("chunk at 500");
                        }
                        Thread.sleep(1);
                    } finally {
                        running.decrementAndGet();
                    }
                }));
        assertEquals("chunk at 500", e.getMessage());
        assertEquals(0, running.get(), "no chunk still runs once the loop has returned");
        // the helpers are usable again
        assertTrue(Parallel.forEachChunk(2, 100, 10, () -> null, (s, from, to) -> { }).size() >= 1);
    }
}
