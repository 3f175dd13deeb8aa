package io.foldopt.linalg;

/** How the solve of one instance of a batch ended. */
public enum SolveStatus {
    /** The true relative residual {@code ||A v - g|| / ||g||} is at most the tolerance (DIRECT: A was nonsingular). */
    CONVERGED,
    /** The iteration budget ran out before the tolerance was met; the best iterate is returned. */
    MAX_ITERATIONS,
    /** LFPI diverged: its residual became non-finite or far above its minimum; the best iterate is returned. */
    DIVERGED,
    /** The Krylov recurrence broke down without meeting the tolerance; the best iterate is returned. */
    BREAKDOWN,
    /** A was numerically singular; DIRECT returned a Tikhonov-regularized least-squares solution. */
    SINGULAR,
    /** The operator or the recurrence produced a non-finite value; the last finite (best) iterate is returned. */
    NON_FINITE
}
