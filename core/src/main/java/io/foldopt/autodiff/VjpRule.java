package io.foldopt.autodiff;

/**
 * The vector-Jacobian product rule of one recorded operation {@code (y_0, ..., y_{m-1}) = op(x_0, ..., x_{k-1})},
 * called once per operation and backward pass with the cotangents of all its outputs.
 *
 * <p>It returns, for every input {@code i} with {@code needsGrad[i]}, the cotangent
 * {@code sum_j (dy_j/dx_i)^T g_j} shaped like {@code x_i}; entries of inputs that need no gradient are
 * ignored (they may be null). Rules written with {@link Var} operations are themselves recorded when the
 * backward pass creates a graph ({@link GradMode#isEnabled()} is then on), which is what makes
 * second-order VJPs work; a rule may take a faster path computing constants when it is off. A rule that
 * computes plain tensors only is a {@link FirstOrderRule}. Operations are recorded with
 * {@link Operation#record}.
 */
@FunctionalInterface
public interface VjpRule {
    /**
     * @param cotangents {@code g_j} for every output, shaped like it; an output that no path from the
     *     differentiated outputs reaches gets zeros (the rule is not called if none is reached)
     * @param needsGrad whether each input needs a gradient in this pass
     * @return one cotangent per input, non-null where {@code needsGrad} is set
     */
    Var[] vjp(Var[] cotangents, boolean[] needsGrad);
}
