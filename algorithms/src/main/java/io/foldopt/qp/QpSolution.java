package io.foldopt.qp;

import io.foldopt.status.Status;

/**
 * The result of solving one instance of {@code min 1/2 z^T P z + q^T z  s.t.  A z = b,  G z <= h}.
 *
 * <p>For {@link Status#OPTIMAL} the triple satisfies the KKT conditions
 * {@code P z + q + A^T nu + G^T lambda = 0}, {@code A z = b}, {@code G z <= h}, {@code lambda >= 0},
 * {@code lambda_i (h - G z)_i = 0} up to {@code kktResidual} (see {@link QpProblem#kktResidual}). For
 * {@link Status#INFEASIBLE}, {@code z} is zero and {@code (nu, lambda)} is a Farkas certificate normalized
 * to {@code b^T nu + h^T lambda = -1} (zero if the solver gives none, as the ojAlgo adapter); for
 * {@link Status#UNBOUNDED}, the multipliers are zero and {@code z} is an improving direction normalized to
 * {@code q^T z = -1} (zero if the solver gives none); otherwise the fields hold the solver's best (finite)
 * iterate. No field is ever NaN.
 *
 * @param z the primal solution {@code (n)}
 * @param nu the equality multipliers {@code (p)}
 * @param lambda the inequality multipliers {@code (m)}, nonnegative
 * @param status how the solve ended
 * @param iterations iterations the solver ran (Newton steps for the interior-point method)
 * @param kktResidual the KKT residual of {@code (z, nu, lambda)} ({@link QpProblem#kktResidual})
 */
public record QpSolution(double[] z, double[] nu, double[] lambda, Status status, int iterations,
        double kktResidual) {

    /** @return true if the status is {@link Status#OPTIMAL} ({@link Status#ok()}) */
    public boolean optimal() {
        return status.ok();
    }
}
