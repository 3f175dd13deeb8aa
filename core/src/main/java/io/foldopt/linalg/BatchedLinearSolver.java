package io.foldopt.linalg;

import java.util.List;
import java.util.Objects;

/**
 * Solves a batch of independent linear systems {@code A_b v_b = g_b}, {@code b = 0..B-1}, where each {@code A_b} is
 * available only through the batched products of a {@link BatchedOperator}.
 *
 * <p>Each algorithm is one class ({@link Lfpi}, {@link Gmres}, {@link BiCgStab}, {@link Minres} for symmetric
 * systems, {@link DirectSolver}, and
 * {@link AutoSolver}, which picks one of them per call); settings of one algorithm are constructor arguments of its
 * class, the common stopping rule is {@link SolverOptions}. Any implementation can be used wherever foldopt takes a
 * solver, for example a preconditioned Krylov method written by the user.
 *
 * <p>Implementations are stateless and thread-safe; all instances advance in lockstep so that every operator
 * application serves the whole batch, and instances that have finished contribute zero rows to it.
 */
public interface BatchedLinearSolver {
    /** Linear fixed-point iteration ({@link Lfpi}); needs {@code rho(I - A) < 1}. */
    BatchedLinearSolver LFPI = new Lfpi();
    /** Restarted GMRES with cycle length {@value Gmres#DEFAULT_RESTART} ({@link Gmres}). */
    BatchedLinearSolver GMRES = new Gmres();
    /** BiCGSTAB ({@link BiCgStab}). */
    BatchedLinearSolver BICGSTAB = new BiCgStab();
    /** MINRES ({@link Minres}); for symmetric {@code A} only, refuses any other. */
    BatchedLinearSolver MINRES = new Minres();
    /** Dense LU of the materialized {@code A} ({@link DirectSolver}). */
    BatchedLinearSolver DIRECT = new DirectSolver();
    /** The automatic choice among DIRECT, LFPI, GMRES and BiCGSTAB with the default thresholds ({@link AutoSolver}). */
    BatchedLinearSolver AUTO = new AutoSolver();

    /**
     * Solves {@code A_b v_b = g_b} for every instance.
     *
     * @param a the operator {@code A}, with {@code a.batch() = B} and {@code a.dim() = n}
     * @param rhs the right-hand sides {@code g}, {@code B x n} row-major; not modified
     * @param initialGuess starting iterates {@code B x n}, or null for zero; not modified (ignored by DIRECT)
     * @param options tolerance and iteration budget
     * @return the solutions (always finite) with per-instance statistics
     * @throws IllegalArgumentException if an array has the wrong length, or rhs or initialGuess has a non-finite entry
     *     (the message names the array and the instance)
     */
    BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options);

    /** @return a short upper-case name of the algorithm (such as {@code GMRES}), recorded in the statistics */
    String name();

    /**
     * @param name {@code lfpi}, {@code gmres}, {@code bicgstab}, {@code minres}, {@code direct} or {@code auto}, in
     *     any case
     * @return the solver of that name with its default settings
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    static BatchedLinearSolver named(String name) {
        Objects.requireNonNull(name, "name");
        for (BatchedLinearSolver s : List.of(LFPI, GMRES, BICGSTAB, MINRES, DIRECT, AUTO)) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown linear solver '" + name
                + "': expected lfpi, gmres, bicgstab, minres, direct or auto");
    }
}
