package io.foldopt.qp;

import io.foldopt.status.Status;

/**
 * How one instance of a {@link DifferentiableQp} call went.
 *
 * @param status the forward solver's status
 * @param iterations the forward solver's iterations
 * @param kktResidual the KKT residual of the returned point ({@link QpProblem#kktResidual})
 * @param activeConstraints the strictly active inequalities kept in the differentiated system
 * @param weaklyActive the degenerate inequalities (slack and multiplier both within tolerance, or both
 *     above it) dropped from the differentiated system, i.e. treated as inactive
 * @param derivative how the VJP of this instance is computed
 * @param conditionNumber the estimated 1-norm condition number of the (equilibrated) active-set KKT matrix the
 *     VJP solves with, or, for a VJP through the Schur complement, {@code kappa(P)} times that of the scaled
 *     Schur complement {@code D C_S P^{-1} C_S^T D} (see {@link DifferentiableQp}): infinity if it is numerically
 *     singular ({@link QpDerivative#REGULARIZED}), NaN if no matrix was factored ({@link QpDerivative#NOT_RECORDED},
 *     {@link QpDerivative#ZERO})
 */
public record QpInstanceReport(Status status, int iterations, double kktResidual, int activeConstraints,
        int weaklyActive, QpDerivative derivative, double conditionNumber) {

    /**
     * Condition number above which an exact VJP is reported {@link Status#OPTIMAL_INACCURATE}: its relative error
     * may exceed about {@code 1e-6} (the error of a backward-stable solve grows like the condition number times the
     * rounding unit {@code 1.1e-16}).
     */
    public static final double CONDITION_LIMIT = 1e10;

    /** @return true if the KKT matrix was singular and the VJP is regularized */
    public boolean regularized() {
        return derivative == QpDerivative.REGULARIZED;
    }

    /** @return true if the derivative is not the classical one: weakly active constraints or regularization */
    public boolean degenerate() {
        return weaklyActive > 0 || regularized();
    }

    /**
     * @return the status of the VJP: {@link Status#SINGULAR} if it is regularized (a least-squares answer that
     *     may be far from the derivative), {@link Status#OPTIMAL_INACCURATE} if its condition number exceeds
     *     {@link #CONDITION_LIMIT}, {@link Status#OPTIMAL} for an exact, well-conditioned VJP; the forward
     *     {@link #status()} if no VJP is computed (not recorded, or a zero gradient for a failed instance)
     */
    public Status gradientStatus() {
        return switch (derivative) {
            case REGULARIZED -> Status.SINGULAR;
            case EXACT -> conditionNumber > CONDITION_LIMIT ? Status.OPTIMAL_INACCURATE : Status.OPTIMAL;
            case NOT_RECORDED, ZERO -> status;
        };
    }
}
