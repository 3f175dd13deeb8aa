package io.foldopt.autodiff;

/**
 * The per-input form of the VJP rule of a single-output operation {@code y = op(x_0, ..., x_{k-1})}, a
 * convenience for simple operations recorded with {@link Var#op}: {@link #grad(int, Var)} returns
 * {@code (dy/dx_i)^T g} shaped like {@code x_i}. It runs as the {@link VjpRule} that calls it for each
 * input that needs a gradient. Rules written with {@link Var} operations are themselves recorded when the
 * backward pass runs with graph creation, which makes second-order VJPs work. A rule that computes plain
 * tensors is first order: record such an operation with {@link Operation#recordFirstOrder}, so that a
 * second differentiation through it throws instead of giving zero.
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
