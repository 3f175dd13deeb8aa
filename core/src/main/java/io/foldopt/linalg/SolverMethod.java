package io.foldopt.linalg;

/** The algorithms available to {@link BatchedLinearSolver#of(SolverMethod)} for solving {@code A v = g}. */
public enum SolverMethod {
    /** Linear fixed-point iteration (Richardson on {@code A}): {@code v <- v + (g - A v)}. */
    LFPI,
    /** Restarted GMRES(m), minimizing {@code ||g - A v||} over a Krylov space of dimension at most m per cycle. */
    GMRES,
    /** BiCGSTAB (van der Vorst), a short-recurrence Krylov method for nonsymmetric {@code A}. */
    BICGSTAB,
    /** Dense LU with partial pivoting of {@code A}, materialized by n operator applications. */
    DIRECT
}
