package io.foldopt.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Parallel loops cover every iteration exactly once, on the caller and the pool, and rethrow failures as thrown. */
class ParallelTest {
    private static final long PARALLEL = Parallel.MIN_PARALLEL_WORK;

    /** Runs {@code body} with {@code threads} threads, then restores the previous setting. */
    private static void withThreads(int threads, Runnable body) {
        int previous = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            body.run();
        } finally {
            Parallel.setThreads(previous);
        }
    }

    @Test
    void forRangesCoversEachIterationOnce() {
        for (int count : new int[] {0, 1, 7, 1000, 100_003}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(count);
            Parallel.forRanges(count, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < count; i++) {
                assertEquals(1, hits.get(i), "iteration " + i + " of " + count);
            }
        }
    }

    @Test
    void forEachCoversEachIterationOnceAtEveryThreadCount() {
        for (int t : new int[] {1, 2, 3}) {
            int threads = t;
            withThreads(threads, () -> {
                assertEquals(threads, Parallel.threads());
                for (int count : new int[] {2, 3, 11, 1000}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(count);
                    Parallel.forEach(count, PARALLEL, hits::incrementAndGet);
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, hits.get(i), threads + " threads, iteration " + i + " of " + count);
                    }
                }
            });
        }
    }

    @Test
    void theCallerAndAWorkerBothRunIterations() {
        withThreads(2, () -> {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            // Each iteration waits until two threads have taken part, or ten seconds (a worker on a loaded machine may be
            // slow to wake), whichever comes first.
            Parallel.forEach(8, PARALLEL, i -> {
                seen.add(Thread.currentThread());
                long until = System.nanoTime() + 10_000_000_000L;
                while (seen.size() < 2 && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
            assertEquals(2, seen.size());
            assertTrue(seen.contains(Thread.currentThread()), "the calling thread runs chunks too");
        });
    }

    @Test
    void failuresReachTheCallerAsThrownFromAnyThread() {
        withThreads(2, () -> {
            for (int failing : new int[] {0, 7}) {
                IllegalArgumentException thrown = new IllegalArgumentException("iteration " + failing);
                IllegalArgumentException caught = assertThrows(IllegalArgumentException.class,
                        () -> Parallel.forEach(8, PARALLEL, i -> {
                            if (i == failing) {
                                throw thrown;
                            }
                        }));
                assertSame(thrown, caught);
            }
            AssertionError error = new AssertionError("an error");
            assertSame(error, assertThrows(AssertionError.class, () -> Parallel.forEach(8, PARALLEL, i -> {
                if (i == 5) {
                    throw error;
                }
            })));
        });
    }

    @Test
    void nestedLoopsFinish() {
        withThreads(2, () -> {
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            Parallel.forEach(8, PARALLEL, i -> Parallel.forEach(8, PARALLEL, j -> hits.incrementAndGet(8 * i + j)));
            for (int k = 0; k < 64; k++) {
                assertEquals(1, hits.get(k), "iteration " + k);
            }
        });
    }

    @Test
    void loopsNestedInAnIterationRunOnItsThreadOnly() {
        withThreads(2, () -> {
            assertEquals(2, Parallel.threadsHere());
            AtomicIntegerArray mixed = new AtomicIntegerArray(8);
            AtomicIntegerArray inner = new AtomicIntegerArray(8);
            Parallel.forEach(8, PARALLEL, i -> {
                Thread outer = Thread.currentThread();
                inner.set(i, Parallel.threadsHere());
                Parallel.forEach(16, PARALLEL, j -> {
                    if (Thread.currentThread() != outer) {
                        mixed.incrementAndGet(i);
                    }
                });
            });
            for (int i = 0; i < 8; i++) {
                assertEquals(0, mixed.get(i), "iteration " + i + " of the outer loop shared its inner loop");
                assertEquals(1, inner.get(i), "threads inside iteration " + i);
            }
            assertEquals(2, Parallel.threadsHere(), "after the loop");
        });
    }
}
