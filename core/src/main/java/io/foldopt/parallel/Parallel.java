package io.foldopt.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs the independent iterations {@code i = 0..count-1} of a loop on a shared fork-join pool.
 *
 * <p>The number of worker threads is set once per process with {@link #setThreads(int)} (default:
 * all available processors). Loops whose total work, estimated by the caller in floating-point
 * operations, is below {@link #MIN_PARALLEL_WORK} run on the calling thread, so that small batches do
 * not pay the cost of a task hand-off. An exception thrown by an iteration reaches the caller as
 * thrown (the first one, if several iterations fail).
 */
public final class Parallel {
    /** Work (in flops) below which a loop runs sequentially on the calling thread. */
    public static final long MIN_PARALLEL_WORK = 1L << 16;

    private static volatile ForkJoinPool pool = newPool(Runtime.getRuntime().availableProcessors());

    private Parallel() {}

    private static ForkJoinPool newPool(int threads) {
        return threads <= 1 ? null : new ForkJoinPool(threads);
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

    /** @return the number of threads parallel loops use */
    public static int threads() {
        ForkJoinPool p = pool;
        return p == null ? 1 : p.getParallelism();
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
                || ForkJoinTask.getPool() == p) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        int chunks = Math.min(count, p.getParallelism() * 4);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        p.invoke(new Range(0, count, Math.max(1, count / chunks), i -> {
            try {
                body.accept(i);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }));
        // Rethrown here, as thrown: the fork-join pool would hand the caller a copy without its message.
        RuntimeException e = failure.get();
        if (e != null) {
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
        int parts = (int) Math.min(count, threads() * 4L);
        int size = (count + parts - 1) / parts;
        int ranges = (count + size - 1) / size;
        forEach(ranges, workPerIteration * size, r -> body.accept(r * size, Math.min(count, (r + 1) * size)));
    }

    private static final class Range extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final int lo;
        private final int hi;
        private final int grain;
        private final transient IntConsumer body;

        Range(int lo, int hi, int grain, IntConsumer body) {
            this.lo = lo;
            this.hi = hi;
            this.grain = grain;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (hi - lo <= grain) {
                for (int i = lo; i < hi; i++) {
                    body.accept(i);
                }
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(lo, mid, grain, body), new Range(mid, hi, grain, body));
        }
    }
}
