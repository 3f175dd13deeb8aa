package io.foldopt.algorithms;

import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.prox.ProximalOperator;

/**
 * Proximal gradient for {@code min_x f(x, c) + h(x)}, {@code x in R^n}, with a smooth
 * {@link SmoothObjective} {@code f} and an elementwise {@link ProximalOperator} {@code h}.
 *
 * <p>Update map {@code U(x, c) = prox_{alpha h}(x - alpha grad_x f(x, c))}; its fixed points are the
 * stationary points {@code 0 in grad f(x) + dh(x)}. At a solution its Jacobian is
 * {@code Phi = J_prox (I - alpha H_f)} with the Hessian {@code H_f}, which folding obtains by
 * differentiating the recorded gradient (no hand-written derivative). The step {@code alpha} does
 * not change the fixed points, only {@code rho(Phi)}. Forward solver: FISTA with adaptive restart
 * from {@code x = 0}.
 */
public final class ProximalGradient implements FoldableAlgorithm {
    private static final String NAME = "proximal gradient";

    private final int dim;
    private final SmoothObjective f;
    private final ProximalOperator h;
    private final double step;

    /**
     * @param dim the dimension {@code n >= 1} of {@code x}
     * @param f the smooth part, with an {@code L}-Lipschitz gradient
     * @param h the nonsmooth part
     * @param step {@code alpha}, in {@code (0, 1/L]} for the forward solver to converge
     */
    public ProximalGradient(int dim, SmoothObjective f, ProximalOperator h, double step) {
        if (dim < 1) {
            throw new IllegalArgumentException(NAME + ": dimension must be >= 1, got " + dim);
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException(NAME + ": step must be positive and finite, got " + step);
        }
        this.dim = dim;
        this.f = f;
        this.h = h;
        this.step = step;
    }

    /** @return {@code U(x, c) = prox_{alpha h}(x - alpha grad_x f(x, c))}; params = the {@code c_i} of {@code f} */
    @Override
    public UpdateMap updateMap() {
        return (x, params) -> h.apply(x.sub(f.gradient(x, params).mul(step)), step);
    }

    /**
     * @return FISTA with restart on the plain step of {@link #updateMap()}, per instance in parallel
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        ForwardSolver batched = ForwardSolver.perInstance((b, c) -> {
            double[] grad = new double[dim];
            return FixedPointIteration.solve(NAME, b, new double[dim], (from, to) -> {
                f.gradient(from, c, grad);
                for (int j = 0; j < dim; j++) {
                    to[j] = from[j] - step * grad[j];
                }
                h.applyInPlace(to, step);
            }, true, tol, maxIterations);
        });
        return params -> {
            FixedPointIteration.checkParams(NAME, params);
            return batched.solve(params);
        };
    }
}
