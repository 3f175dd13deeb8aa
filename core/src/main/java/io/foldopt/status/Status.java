package io.foldopt.status;

/**
 * How the solve of one instance ended: one vocabulary for linear solves, QPs, projections and every problem
 * family. A status is always computed from checks on the returned answer (finiteness, feasibility, stationarity,
 * second-order conditions, residuals), never assumed.
 *
 * <p>{@link #exitCode()} is the exit status of a command that reports one instance (for example {@code foldopt
 * sensitivity}): 1 for {@link #INVALID_INPUT}, as for any error in an input file; 2 is kept for an error in the
 * command line.
 */
public enum Status {
    /**
     * The answer passed every check to tolerance: a KKT point that is a (local) minimum of an optimization problem,
     * or, for a linear solve, a residual {@code ||A v - g|| <= tol ||g||}.
     */
    OPTIMAL("optimal", 0),
    /** The answer passed the checks only to a looser tolerance than asked for; it is usable but not accurate. */
    OPTIMAL_INACCURATE("optimal-inaccurate", 3),
    /** The constraints admit no point; a certificate of infeasibility was found. */
    INFEASIBLE("infeasible", 4),
    /** The objective is unbounded below on the feasible set; a certificate (a descent ray) was found. */
    UNBOUNDED("unbounded", 5),
    /** The iteration or time budget ran out before the checks passed; the best answer found is returned. */
    ITERATION_LIMIT("iteration-limit", 6),
    /**
     * The point is stationary but the second-order check fails: a saddle point or a maximum, or a degenerate point
     * whose curvature cannot certify a minimum.
     */
    NOT_A_MINIMUM("not-a-minimum", 7),
    /** An iteration diverged (for example fixed-point iteration with spectral radius at least 1). */
    DIVERGED("diverged", 8),
    /** The system is numerically singular; a regularized (least-squares) answer is returned and flagged. */
    SINGULAR("singular", 9),
    /** Non-finite values, a breakdown of a recurrence or a backend failure; the best finite answer is returned. */
    NUMERICAL_FAILURE("numerical-failure", 10),
    /**
     * The instance is not a valid problem (a missing, non-finite or mismatched entry, an unknown family, a matrix
     * without the required property) and was not solved; no answer is returned.
     */
    INVALID_INPUT("invalid-input", 1);

    private final String label;
    private final int exitCode;

    Status(String label, int exitCode) {
        this.label = label;
        this.exitCode = exitCode;
    }

    /** @return true only for {@link #OPTIMAL}: the answer can be used without a warning */
    public boolean ok() {
        return this == OPTIMAL;
    }

    /** @return the lower-case, hyphenated name printed by the command line and written to reports */
    public String label() {
        return label;
    }

    /** @return the process exit status of a command that reports this status for its one instance */
    public int exitCode() {
        return exitCode;
    }

    @Override
    public String toString() {
        return label;
    }
}
