package io.foldopt.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the independent iterations {@code i = 0..count-1} of a loop on the calling thread and a shared fork-join pool.
 *
 * <p>The number of threads is set once per process with {@link #setThreads(int)} (default: all available
 * processors): the calling thread and {@code threads - 1} pool workers. A parallel loop is cut into a few chunks per
 * thread; the caller and the workers take chunks from a shared counter until none is left, and the caller returns
 * once every chunk is done, waiting for the last ones by spinning briefly, then parking. The caller works from the
 * start, so a loop does not wait for a worker to wake up, and a worker that wakes up after the loop has ended finds
 * nothing to do. Loops whose total work, estimated by the caller in floating-point operations, is below
 * {@link #MIN_PARALLEL_WORK} run on the calling thread alone, as do loops started by an iteration of a parallel loop
 * (nested loops), on whichever thread it runs: the enclosing loop already occupies the threads.
 * An exception thrown by an iteration reaches the caller as thrown (the first one, if several iterations fail).
 */
public final class Parallel {
    /** Work (in flops) below which a loop runs sequentially on the calling thread. */
    public static final long MIN_PARALLEL_WORK = 1L << 16;
    /** Chunks per thread of a parallel loop. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** How long the caller spins for unfinished chunks before it parks. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private static volatile ForkJoinPool pool = newPool(Runtime.getRuntime().availableProcessors());
    /** Whether the thread is running chunks of a parallel loop (its loops then run sequentially). */
    private static final ThreadLocal<boolean[]> IN_LOOP = ThreadLocal.withInitial(() -> new boolean[1]);

    private Parallel() {}

    /** @return the pool of {@code threads - 1} workers (the caller is the other thread), null for one thread */
    private static ForkJoinPool newPool(int threads) {
        return threads <= 1 ? null : new ForkJoinPool(threads - 1);
    }

    /**
     * Sets the number of threads used by every parallel loop of foldopt.
     *
     * @param threads at least 1; 1 makes every loop sequential
     */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        ForkJoinPool old = pool;
        pool = newPool(threads);
        if (old != null) {
            old.shutdown();
        }
    }

    /** @return the number of threads parallel loops use (the caller and the pool's workers) */
    public static int threads() {
        ForkJoinPool p = pool;
        return p == null ? 1 : p.getParallelism() + 1;
    }

    /**
     * @return the threads a parallel loop started here would run on: 1 inside an iteration of a parallel loop (where
     *     loops run sequentially), else {@link #threads()}; for cutting work into as many pieces
     */
    public static int threadsHere() {
        ForkJoinPool p = pool;
        return p == null || IN_LOOP.get()[0] ? 1 : p.getParallelism() + 1;
    }

    /**
     * Calls {@code body.accept(i)} for every {@code i} in {@code [0, count)}, possibly concurrently.
     *
     * @param count number of iterations
     * @param workPerIteration estimated flops of one iteration, used to decide whether to split
     * @param body the loop body; iterations must be independent
     */
    public static void forEach(int count, long workPerIteration, IntConsumer body) {
        ForkJoinPool p = pool;
        if (p == null || count < 2 || count * Math.max(1, workPerIteration) < MIN_PARALLEL_WORK
                || IN_LOOP.get()[0]) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        Loop loop = new Loop(count, Math.min(count, (p.getParallelism() + 1) * CHUNKS_PER_THREAD), body);
        for (int w = 0; w < p.getParallelism(); w++) {
            p.execute(loop::work);
        }
        loop.work();
        loop.awaitChunks();
        // Rethrown here, as thrown, whichever thread ran the failing iteration.
        Throwable t = loop.failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** The body of {@link #forRanges}: handles the iterations {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Runs iterations {@code from} to {@code to - 1}. */
        void accept(int from, int to);
    }

    /**
     * Calls {@code body.accept(from, to)} on disjoint ranges covering {@code [0, count)}, possibly concurrently: for
     * loops whose iterations are too cheap to be handed out one by one (elementwise kernels over millions of
     * entries). The ranges are a few per thread; the work rule is the one of {@link #forEach}.
     *
     * @param count number of iterations
     * @param workPerIteration estimated flops of one iteration
     * @param body the loop body over a range; iterations must be independent
     */
    public static void forRanges(int count, long workPerIteration, RangeBody body) {
        if (count <= 0) {
            return;
        }
        int parts = (int) Math.min(count, threadsHere() * 4L);
        int size = (count + parts - 1) / parts;
        int ranges = (count + size - 1) / size;
        forEach(ranges, workPerIteration * size, r -> body.accept(r * size, Math.min(count, (r + 1) * size)));
    }

    /** The shared state of one parallel loop: chunks taken from a counter by the caller and the workers. */
    private static final class Loop {
        private final int count;
        private final int chunks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread caller = Thread.currentThread();

        Loop(int count, int chunks, IntConsumer body) {
            this.count = count;
            this.chunks = chunks;
            this.body = body;
        }

        /** Runs chunks until none is left; chunk {@code c} holds the iterations {@code [c count / chunks, ...)}. */
        void work() {
            boolean[] inLoop = IN_LOOP.get();
            boolean outer = inLoop[0];
            inLoop[0] = true;
            try {
                runChunks();
            } finally {
                inLoop[0] = outer;
            }
        }

        private void runChunks() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                int from = (int) ((long) count * c / chunks);
                int to = (int) ((long) count * (c + 1) / chunks);
                try {
                    for (int i = from; i < to; i++) {
                        body.accept(i);
                    }
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (finished.incrementAndGet() == chunks) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Returns once every chunk has finished: spins for a while, then parks until the last chunk unparks it. */
        void awaitChunks() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (finished.get() < chunks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, SPIN_NANOS);
                }
            }
        }
    }
}
