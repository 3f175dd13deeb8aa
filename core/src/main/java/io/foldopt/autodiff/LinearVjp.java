package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;

/**
 * The first-order VJP of a single-output operation with respect to one operand, when it has one of the forms a
 * {@link FusedVjpPlan} combines without calling the rule: {@code g_i = scalar * factor .* g} (elementwise, the operand
 * shaped like the output; a null factor is all ones) or {@code g_i = scalar * g B^T} (the operand times a matrix
 * {@code B}, of shape {@code (k, m)}).
 *
 * @param scalar the constant multiplier
 * @param factor the elementwise factor, shaped like the output, or null
 * @param matrix the right operand {@code B} of a product, or null for an elementwise form
 */
record LinearVjp(double scalar, Tensor factor, Tensor matrix) {
    /** @return {@code g_i = s g} */
    static LinearVjp scaled(double s) {
        return new LinearVjp(s, null, null);
    }

    /** @return {@code g_i = factor .* g} */
    static LinearVjp diagonal(Tensor factor) {
        return new LinearVjp(1.0, factor, null);
    }

    /** @return {@code g_i = g B^T} */
    static LinearVjp rightProduct(Tensor matrix) {
        return new LinearVjp(1.0, null, matrix);
    }
}
