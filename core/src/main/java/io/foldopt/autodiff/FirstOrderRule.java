package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;

/**
 * A first-order vector-Jacobian product rule: the {@link VjpRule} contract on plain tensors, for
 * operations whose gradients come from a computation that is not recorded (a linear solve, a
 * closed-form Jacobian). It runs with recording off.
 *
 * <p>The gradients it returns cannot be differentiated again: in a backward pass that creates a graph
 * (second-order VJPs, {@link Autodiff#gradGraph}, Hessian-vector products) they are recorded as the
 * outputs of a node whose own rule throws {@link UnsupportedOperationException} naming the operation,
 * so a second differentiation through it fails loudly instead of returning zero. Operations are
 * recorded with {@link Operation#recordFirstOrder}.
 */
@FunctionalInterface
public interface FirstOrderRule {
    /**
     * @param cotangents {@code g_j} for every output, shaped like it (zeros for an output no path reaches)
     * @param needsGrad whether each input needs a gradient in this pass
     * @return {@code sum_j (dy_j/dx_i)^T g_j} for every input {@code i}, non-null where {@code needsGrad} is set
     */
    Tensor[] vjp(Tensor[] cotangents, boolean[] needsGrad);
}
