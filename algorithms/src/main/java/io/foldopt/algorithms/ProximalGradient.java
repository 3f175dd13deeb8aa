package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
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
 * from {@code prox_{alpha h}(0)}.
 */
public final class ProximalGradient extends GradientStep {
    private final ProximalOperator h;

    /**
     * @param dim the dimension {@code n >= 1} of {@code x}
     * @param f the smooth part, with an {@code L}-Lipschitz gradient
     * @param h the nonsmooth part
     * @param step {@code alpha}, in {@code (0, 1/L]} for the forward solver to converge
     */
    public ProximalGradient(int dim, SmoothObjective f, ProximalOperator h, double step) {
        super("proximal gradient", dim, f, step);
        this.h = h;
    }

    @Override
    Var map(Var y, double alpha) {
        return h.apply(y, alpha);
    }

    @Override
    void mapInPlace(double[] y, double alpha) {
        h.applyInPlace(y, alpha);
    }
}
