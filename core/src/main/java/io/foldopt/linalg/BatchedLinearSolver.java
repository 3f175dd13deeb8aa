package io.foldopt.linalg;

import java.util.Objects;

/**
 * Solves a batch of independent linear systems {@code A_b v_b = g_b}, {@code b = 0..B-1}, where each {@code A_b} is
 * available only through the batched products of a {@link BatchedOperator}.
 *
 * <p>Implementations are stateless and thread-safe; all instances advance in lockstep so that every operator
 * application serves the whole batch, and instances that have finished contribute zero rows to it.
 */
public interface BatchedLinearSolver {
    /**
     * Solves {@code A_b v_b = g_b} for every instance.
     *
     * @param a the operator {@code A}, with {@code a.batch() = B} and {@code a.dim() = n}
     * @param rhs the right-hand sides {@code g}, {@code B x n} row-major; not modified
     * @param initialGuess starting iterates {@code B x n}, or null for zero; not modified (ignored by DIRECT)
     * @param options tolerance, iteration budget and restart length
     * @return the solutions (always finite) with per-instance statistics
     * @throws IllegalArgumentException if an array has the wrong length, or rhs or initialGuess has a non-finite entry
     *     (the message names the array and the instance)
     */
    BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options);

    /**
     * @param method the algorithm
     * @return a solver implementing it
     */
    static BatchedLinearSolver of(SolverMethod method) {
        return switch (Objects.requireNonNull(method, "method")) {
            case LFPI -> new Lfpi();
            case GMRES -> new Gmres();
            case BICGSTAB -> new BiCgStab();
            case DIRECT -> new DirectSolver();
        };
    }
}
