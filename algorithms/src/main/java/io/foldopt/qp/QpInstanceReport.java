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
 */
public record QpInstanceReport(Status status, int iterations, double kktResidual, int activeConstraints,
        int weaklyActive, QpDerivative derivative) {

    /** @return true if the KKT matrix was singular and the VJP is regularized */
    public boolean regularized() {
        return derivative == QpDerivative.REGULARIZED;
    }

    /** @return true if the derivative is not the classical one: weakly active constraints or regularization */
    public boolean degenerate() {
        return weaklyActive > 0 || regularized();
    }
}
