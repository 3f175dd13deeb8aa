package io.foldopt.prox;

import io.foldopt.autodiff.Var;

/**
 * A convex, elementwise-separable function {@code h} with its proximal operator
 * {@code prox_{s h}(v) = argmin_x s h(x) + 1/2 ||x - v||^2}, in two forms: a differentiable batched
 * one for update maps, and a plain in-place one for forward solvers.
 *
 * <p>The parameters of {@code h} (weights, bounds) are captured {@link Var}s, a scalar or a vector
 * {@code (n)}; when they require gradients, update maps built with {@link #apply} pass gradients to
 * them.
 */
public interface ProximalOperator {
    /**
     * @param v the argument, a batch {@code (B, n)}
     * @param step the step {@code s >= 0}
     * @return {@code prox_{s h}(v)}, differentiable in {@code v} and in the parameters of {@code h}
     */
    Var apply(Var v, double step);

    /**
     * Overwrites one instance {@code v} (length {@code n}) with {@code prox_{s h}(v)}, in plain loops.
     *
     * @throws IllegalArgumentException if a vector parameter's length is not {@code n}
     */
    void applyInPlace(double[] v, double step);

    /**
     * The diagonal of the Jacobian of the prox at one instance, for backward passes that apply it many times without
     * a graph: {@code d prox_{s h}(v)_j / d v_j}, with the slopes of {@link #apply} at the kinks.
     *
     * @param v one instance (length {@code n}); not modified
     * @param step the step {@code s >= 0}
     * @return the {@code n} slopes, or null if this operator does not provide them (the caller then differentiates
     *     {@link #apply})
     */
    default double[] slopes(double[] v, double step) {
        return null;
    }

    /**
     * @param eps the weight {@code eps >= 0} of the added term
     * @return {@code h(x) + eps/2 ||x||^2}: prox {@code prox_{(s / (1 + s eps)) h}(v / (1 + s eps))}. On a conjugate
     *     {@code g*} it smooths {@code g} into its Moreau envelope (Huber for a weighted l1), which makes a dual
     *     solution unique
     */
    default ProximalOperator plusHalfSquaredNorm(double eps) {
        return new PlusHalfSquaredNorm(this, eps);
    }

    /**
     * @param weight {@code w >= 0}, scalar or {@code (n)}
     * @return {@code h(x) = sum_j w_j |x_j|}: prox is soft thresholding at {@code s w} ({@link Prox#l1})
     */
    static ProximalOperator l1(Var weight) {
        return ElementwiseProx.weighted("l1", weight, Prox::l1, Prox::softThreshold, Prox::softThresholdSlope);
    }

    /**
     * @param weight {@code w >= 0}, scalar or {@code (n)}
     * @return {@code h(x) = sum_j w_j x_j + indicator(x >= 0)}: prox is {@code max(v - s w, 0)}
     *     ({@link Prox#nonnegativeL1})
     */
    static ProximalOperator nonnegativeL1(Var weight) {
        return ElementwiseProx.weighted("nonnegativeL1", weight, Prox::nonnegativeL1, Prox::nonnegativeSoftThreshold,
                Prox::nonnegativeSoftThresholdSlope);
    }

    /**
     * @param weight {@code w >= 0}, scalar or {@code (n)}
     * @return {@code h(x) = 1/2 sum_j w_j x_j^2}: prox is {@code v / (1 + s w)} ({@link Prox#squaredL2})
     */
    static ProximalOperator squaredL2(Var weight) {
        return ElementwiseProx.weighted("squaredL2", weight, Prox::squaredL2, (v, t) -> v / (1.0 + t),
                (v, t) -> 1.0 / (1.0 + t));
    }

    /**
     * @param lower lower bounds, scalar or {@code (n)}; may be infinite
     * @param upper upper bounds, scalar or {@code (n)}, {@code lower <= upper}
     * @return the indicator of the box {@code [lower, upper]}: prox is the clip, for every step
     *     ({@link Prox#boxIndicator})
     */
    static ProximalOperator box(Var lower, Var upper) {
        return ElementwiseProx.box(lower, upper);
    }
}
