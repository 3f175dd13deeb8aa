package io.foldopt.qp;

import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;

/**
 * Settings of {@link DifferentiableQp}.
 *
 * @param solver the forward solver of each instance
 * @param failurePolicy what happens to an instance whose status is not {@link Status#OPTIMAL}:
 *     {@link FailurePolicy#THROW} throws a {@link QpSolveException} naming every such instance;
 *     {@link FailurePolicy#FLAG} only flags them in the {@link QpReport}, their outputs are the solver's (finite)
 *     vectors and their gradients are zero
 * @param activeTolerance relative tolerance {@code t} of the active-set identification used by the
 *     derivative: inequality {@code i} is strictly active if {@code lambda_i > t (1 + ||lambda||_inf)} and
 *     its slack {@code s_i = h_i - g_i^T z <= t (1 + |h_i| + sum_j |g_ij z_j|)}, inactive if the slack is
 *     above and {@code lambda_i} below its threshold, and degenerate (weakly active) otherwise
 * @param regularization relative Tikhonov parameter used when the active-set KKT matrix is singular
 *     ({@code eps = regularization * max(1, max |K_ij|)}, see {@link DifferentiableQp})
 */
public record QpOptions(QpSolver solver, FailurePolicy failurePolicy, double activeTolerance,
        double regularization) {

    /** Validates the settings. */
    public QpOptions {
        if (solver == null) {
            throw new IllegalArgumentException("solver must not be null");
        }
        if (failurePolicy == null) {
            throw new IllegalArgumentException("failurePolicy must not be null");
        }
        if (!(activeTolerance > 0 && activeTolerance < 1)) {
            throw new IllegalArgumentException("activeTolerance must be in (0, 1), got " + activeTolerance);
        }
        if (!(regularization > 0 && regularization < 1)) {
            throw new IllegalArgumentException("regularization must be in (0, 1), got " + regularization);
        }
    }

    /** @return the {@link InteriorPointQpSolver} with defaults, {@link FailurePolicy#THROW}, tolerance 1e-7, eps 1e-8 */
    public static QpOptions defaults() {
        return new QpOptions(new InteriorPointQpSolver(), FailurePolicy.THROW, 1e-7, 1e-8);
    }

    /** @return a copy with another forward solver */
    public QpOptions withSolver(QpSolver s) {
        return new QpOptions(s, failurePolicy, activeTolerance, regularization);
    }

    /** @return a copy that throws on or only flags instances that are not optimal */
    public QpOptions withFailurePolicy(FailurePolicy policy) {
        return new QpOptions(solver, policy, activeTolerance, regularization);
    }

    /** @return a copy with another active-set tolerance */
    public QpOptions withActiveTolerance(double t) {
        return new QpOptions(solver, failurePolicy, t, regularization);
    }

    /** @return a copy with another Tikhonov parameter */
    public QpOptions withRegularization(double eps) {
        return new QpOptions(solver, failurePolicy, activeTolerance, eps);
    }
}
