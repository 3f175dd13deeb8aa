package io.foldopt.qp;

/** The outcome of solving one QP instance. */
public enum QpStatus {
    /** The KKT conditions hold to the solver's tolerance; {@code (z, nu, lambda)} is a primal-dual solution. */
    OPTIMAL,
    /**
     * The constraints are contradictory: a Farkas certificate {@code (nu, lambda)} with {@code lambda >= 0},
     * {@code A^T nu + G^T lambda = 0} and {@code b^T nu + h^T lambda < 0} was found.
     */
    INFEASIBLE,
    /**
     * The objective is unbounded below: a direction {@code d} with {@code P d = 0}, {@code A d = 0},
     * {@code G d <= 0} and {@code q^T d < 0} was found.
     */
    UNBOUNDED,
    /** The iteration limit was reached before convergence or a certificate. */
    ITERATION_LIMIT,
    /** The solver stalled, produced non-finite iterates, or its backend reported a failure. */
    NUMERICAL_FAILURE
}
