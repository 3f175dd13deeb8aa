package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;

/**
 * The status of a QP solution decided from checks on the returned vectors, whatever the solver claims: optimal if
 * they are finite and the KKT residual ({@link QpProblem#kktResidual}) is at most {@code 1e-8 s},
 * {@code s = 1 + max(||q||_inf, ||b||_inf, ||h||_inf)} (the interior-point method's optimality test),
 * optimal-inaccurate up to {@code 1e-5 s}; infeasible or unbounded only if the solver says so and its certificate
 * passes the scale-free tests {@link QpProblem#farkasViolation} / {@link QpProblem#rayViolation} within
 * {@code 1e-6}; otherwise the solver's iteration-limit, or numerical-failure.
 */
public final class QpStatusCheck {
    /** Relative tolerance of the KKT residual for {@link Status#OPTIMAL}. */
    public static final double TOLERANCE = 1e-8;
    /** Relative tolerance of the KKT residual for {@link Status#OPTIMAL_INACCURATE}. */
    public static final double LOOSE_TOLERANCE = 1e-5;
    /** Relative tolerance of the certificate tests. */
    public static final double CERTIFICATE_TOLERANCE = 1e-6;

    private QpStatusCheck() {}

    /**
     * @param claimed what the solver reported
     * @param qp the problem
     * @param z the solution, or the improving direction of an unbounded problem
     * @param nu the equality multipliers, or part of the Farkas certificate of an infeasible problem
     * @param lambda the inequality multipliers, or part of the Farkas certificate
     * @return the status the checks on {@code (z, nu, lambda)} support
     */
    public static Status verify(Status claimed, QpProblem qp, double[] z, double[] nu, double[] lambda) {
        if (!Vec.allFinite(z, 0, z.length) || !Vec.allFinite(nu, 0, nu.length)
                || !Vec.allFinite(lambda, 0, lambda.length)) {
            return Status.NUMERICAL_FAILURE;
        }
        switch (claimed) {
            case INFEASIBLE:
                return qp.farkasViolation(nu, lambda) <= CERTIFICATE_TOLERANCE ? Status.INFEASIBLE
                        : Status.NUMERICAL_FAILURE;
            case UNBOUNDED:
                return qp.rayViolation(z) <= CERTIFICATE_TOLERANCE ? Status.UNBOUNDED : Status.NUMERICAL_FAILURE;
            default:
                double scale = 1 + Math.max(Vec.normInf(qp.q), Math.max(Vec.normInf(qp.b), Vec.normInf(qp.h)));
                double kkt = qp.kktResidual(z, nu, lambda);
                if (kkt <= TOLERANCE * scale) {
                    return Status.OPTIMAL;
                }
                if (kkt <= LOOSE_TOLERANCE * scale) {
                    return Status.OPTIMAL_INACCURATE;
                }
                return claimed == Status.ITERATION_LIMIT ? Status.ITERATION_LIMIT : Status.NUMERICAL_FAILURE;
        }
    }
}
