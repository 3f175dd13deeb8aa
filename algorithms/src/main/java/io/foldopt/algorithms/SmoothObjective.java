package io.foldopt.algorithms;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.operator.LinearOperator;
import io.foldopt.tensor.Tensor;

/**
 * A smooth objective {@code f(x, c)} of a batch {@code x (B, n)} and parameters {@code c_i (B, p_i)},
 * written with foldopt operations; instances must be independent (row {@code b} of the value depends
 * only on rows {@code b} of {@code x} and {@code c}). It may capture parameters {@code theta} that
 * require gradients; folded layers built on it return gradients to them.
 *
 * <p>Update maps use {@link #gradient(Var, Var[])}, a recorded {@code grad_x f} that can be
 * differentiated again (so {@code Phi} involves the Hessian of {@code f}); forward solvers use
 * {@link #gradient(double[], double[][], double[])}, which by default runs autodiff on one instance
 * and can be overridden with plain loops for speed.
 */
@FunctionalInterface
public interface SmoothObjective {
    /**
     * @return {@code f(x, c)}: the per-instance values {@code (B)}, or any tensor whose sum is
     *     {@code sum_b f(x_b, c_b)}
     */
    Var value(Var x, Var[] params);

    /**
     * @return {@code grad_x f(x, c) (B, n)} as a recorded node, differentiable again. A constant
     *     {@code x} (the start of an unrolled iteration) is lifted to a fresh leaf of the same value;
     *     recording is switched on for the computation.
     */
    default Var gradient(Var x, Var[] params) {
        Var leaf = x.requiresGrad() ? x : Var.param(x.value());
        return GradMode.withGrad(() -> Autodiff.gradGraph(value(leaf, params).sum(), leaf));
    }

    /**
     * Writes {@code grad_x f(x, c)} of one instance into {@code out}. The default evaluates
     * {@link #value} on {@code (1, n)} and {@code (1, p_i)} tensors and differentiates it.
     *
     * @param x the instance's point, length {@code n}; not modified
     * @param params the instance's parameter rows
     * @param out the gradient, length {@code n}
     */
    default void gradient(double[] x, double[][] params, double[] out) {
        Tensor g = GradMode.withGrad(() -> {
            Var leaf = Var.param(Tensor.of(x, 1, x.length));
            Var[] p = new Var[params.length];
            for (int i = 0; i < params.length; i++) {
                p[i] = Var.constant(Tensor.of(params[i], 1, params[i].length));
            }
            return Autodiff.grad(value(leaf, p).sum(), leaf)[0];
        });
        System.arraycopy(g.data(), 0, out, 0, out.length);
    }

    /**
     * @param k the operator {@code K (m, n)}, applied row by row; parameters it holds receive gradients
     * @return {@code f(x; c) = 1/2 ||K x - c||^2} with the one parameter {@code c (B, m)}, whose gradient
     *     {@code K^T (K x - c)} is computed with the operator's own adjoint (recorded, and on plain arrays for the
     *     forward solvers)
     */
    static SmoothObjective leastSquares(LinearOperator k) {
        return new SmoothObjective() {
            @Override
            public Var value(Var x, Var[] params) {
                Var r = k.apply(x).sub(params[0]);
                return r.mul(r).sum(-1).mul(0.5);
            }

            @Override
            public Var gradient(Var x, Var[] params) {
                return GradMode.withGrad(() -> k.adjoint(k.apply(x).sub(params[0])));
            }

            @Override
            public void gradient(double[] x, double[][] params, double[] out) {
                double[] r = OutsideGraph.apply(k::apply, x).clone();
                for (int i = 0; i < r.length; i++) {
                    r[i] -= params[0][i];
                }
                System.arraycopy(OutsideGraph.apply(k::adjoint, r), 0, out, 0, out.length);
            }
        };
    }
}
