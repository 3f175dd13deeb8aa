package io.foldopt.operator;

import io.foldopt.autodiff.Var;

/**
 * A linear map {@code K : R^n -> R^m} applied to every row of a batch, never materialized: a sparse matrix, a
 * finite-difference or convolution operator, a composition of such maps, or a user's forward/adjoint pair.
 *
 * <p>{@link #apply} and {@link #adjoint} are recorded operations: their VJPs reach the operand (through the other
 * map, {@code (K x)' = K^T g}) and every differentiable parameter the operator holds (for example the nonzero
 * values of a sparse matrix or the weights of a filter bank). Memory and time are linear in the operator's nonzeros
 * and in the batch.
 */
public interface LinearOperator {
    /** @return {@code m}, the length of {@code K x} */
    int rows();

    /** @return {@code n}, the length of {@code x} */
    int cols();

    /**
     * @param x a batch {@code (B, n)}
     * @return {@code K x} row by row, {@code (B, m)}
     */
    Var apply(Var x);

    /**
     * @param y a batch {@code (B, m)}
     * @return {@code K^T y} row by row, {@code (B, n)}
     */
    Var adjoint(Var y);
}
