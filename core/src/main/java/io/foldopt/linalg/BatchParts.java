package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import java.util.Arrays;
import java.util.Optional;

/**
 * A batched solve run as independent solves of contiguous parts of the batch, one part per thread of
 * {@link Parallel}, when the operator has {@link BatchedOperator#restrict restrictions} to parts.
 *
 * <p>The instances of a batch are independent: each part runs its whole recurrence on one thread, its loops
 * sequential, instead of every thread joining every step of one lockstep recurrence over the whole batch (a handful of
 * hand-offs between threads per iteration). An instance's iterates, statistics and solution are those it would have in
 * the whole batch, up to the rounding of the operator's products. Batches of fewer than {@value #MIN_ENTRIES} entries
 * {@code B n}, a single thread, and operators without restrictions are solved whole.
 */
final class BatchParts {
    /** Entries {@code B n} of the smallest batch that is split. */
    static final long MIN_ENTRIES = 1 << 12;

    /** A solver's solve of one batch (all of it, or a part), with its options. */
    @FunctionalInterface
    interface Whole {
        /** @return the solutions of {@code A v = rhs} from {@code initialGuess} (null: zero) */
        BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess);
    }

    private BatchParts() {}

    /**
     * Validates the arguments (naming instances by their index in the whole batch), then solves the batch in parts
     * or whole.
     *
     * @return the solutions and statistics of every instance, in batch order
     */
    static BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options,
            Whole whole) {
        SolveBatch.validate(a, rhs, initialGuess, options);
        int batch = a.batch();
        int n = a.dim();
        int parts = Math.min(Parallel.threadsHere(), batch);
        if (parts < 2 || (long) batch * n < MIN_ENTRIES) {
            return whole.solve(a, rhs, initialGuess);
        }
        int[] starts = new int[parts + 1];
        BatchedOperator[] ops = new BatchedOperator[parts];
        for (int p = 0; p < parts; p++) {
            starts[p + 1] = (int) ((long) batch * (p + 1) / parts);
        }
        for (int p = 0; p < parts; p++) {
            Optional<BatchedOperator> part = a.restrict(starts[p], starts[p + 1]);
            if (part.isEmpty()) {
                return whole.solve(a, rhs, initialGuess);
            }
            ops[p] = part.get();
        }
        BatchSolution[] solved = new BatchSolution[parts];
        Parallel.forEach(parts, Parallel.MIN_PARALLEL_WORK, p -> {
            int from = starts[p] * n;
            int to = starts[p + 1] * n;
            solved[p] = whole.solve(ops[p], Arrays.copyOfRange(rhs, from, to),
                    initialGuess == null ? null : Arrays.copyOfRange(initialGuess, from, to));
        });
        double[] solution = new double[batch * n];
        InstanceStats[] stats = new InstanceStats[batch];
        for (int p = 0; p < parts; p++) {
            System.arraycopy(solved[p].solution(), 0, solution, starts[p] * n, (starts[p + 1] - starts[p]) * n);
            System.arraycopy(solved[p].stats(), 0, stats, starts[p], starts[p + 1] - starts[p]);
        }
        return new BatchSolution(solution, stats);
    }
}
