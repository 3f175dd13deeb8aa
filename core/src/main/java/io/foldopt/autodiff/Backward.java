package io.foldopt.autodiff;

/**
 * The vector-Jacobian product rule of one recorded operation {@code y = op(x_0, ..., x_{k-1})}.
 *
 * <p>{@link #grad(int, Var)} returns {@code (dy/dx_i)^T g} shaped like {@code x_i}. Rules written
 * with {@link Var} operations are themselves recorded when the backward pass runs with graph
 * creation, which is what makes second-order VJPs (Hessian-vector products) work.
 */
@FunctionalInterface
public interface Backward {
    /**
     * @param input index {@code i} of the operand
     * @param gradOutput the cotangent {@code g} of the output
     * @return the cotangent of operand {@code i}; only called for operands that need one
     */
    Var grad(int input, Var gradOutput);
}
