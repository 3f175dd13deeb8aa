package io.foldopt.qp;

/**
 * A factored KKT matrix {@code K_S = [P, A^T, G_S^T; A, 0, 0; G_S, 0, 0]} of a QP with a fixed set {@code S} of
 * active inequalities, in the variables {@code (z, nu, lambda_S)}: what {@link DifferentiableQp} solves with.
 * Factored directly ({@link ActiveSetKkt}) or through the Schur complement of a positive definite {@code P}
 * ({@link SchurKkt}).
 */
interface KktSystem {
    /**
     * @param r the right-hand side in the order {@code (z, nu, lambda_S)}
     * @return {@code K_S^{-1} r}, or the regularized least-squares solution if {@link #regularized()}
     */
    double[] solve(double[] r);

    /**
     * @return the estimated 1-norm condition number of the matrix the solves use; infinity if {@code K_S} is
     *     numerically singular (and the solves regularized)
     */
    double conditionNumber();

    /** @return whether the solves are Tikhonov-regularized because {@code K_S} is singular */
    boolean regularized();
}
