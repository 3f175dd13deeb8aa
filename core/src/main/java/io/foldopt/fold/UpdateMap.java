package io.foldopt.fold;

import io.foldopt.autodiff.Var;

/**
 * One step {@code x_{k+1} = U(x_k, c)} of an iterative solver, written with foldopt operations so
 * that it can be differentiated; the solver's solutions are its fixed points {@code x* = U(x*, c)}.
 *
 * <p>{@code x} is {@code (B, n)}; each row of the result must depend only on the same row of
 * {@code x} and of the parameters (instances are independent). The map may capture further
 * differentiable parameters {@code theta} (nodes that require a gradient): the folded layer returns
 * gradients to them too.
 */
@FunctionalInterface
public interface UpdateMap {
    /** @return {@code U(x, c)}, shaped like {@code x} */
    Var apply(Var x, Var[] params);
}
