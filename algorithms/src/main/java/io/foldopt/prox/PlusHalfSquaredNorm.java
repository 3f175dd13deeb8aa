package io.foldopt.prox;

import io.foldopt.autodiff.Var;

/**
 * {@code h(x) + eps/2 ||x||^2} for a separable {@code h} and {@code eps >= 0}, whose proximal operator is that of
 * {@code h} at a shrunk argument and step:
 *
 * <pre>
 *   prox_{s (h + eps/2 ||.||^2)}(v) = prox_{(s / (1 + s eps)) h}(v / (1 + s eps)),
 * </pre>
 *
 * with slopes {@code h}'s slopes there divided by {@code 1 + s eps}. Added to a conjugate {@code g*}, the term makes
 * the dual of {@code min_x f(x) + g(D x)} strongly convex and its solution unique: it is the conjugate of the Moreau
 * envelope of {@code g} with parameter {@code eps} (for {@code g = lambda |.|}, the Huber function with threshold
 * {@code eps lambda}).
 */
final class PlusHalfSquaredNorm implements ProximalOperator {
    private final ProximalOperator h;
    private final double eps;

    PlusHalfSquaredNorm(ProximalOperator h, double eps) {
        if (!(eps >= 0) || eps == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("plusHalfSquaredNorm: eps must be finite and >= 0, got " + eps);
        }
        this.h = h;
        this.eps = eps;
    }

    @Override
    public Var apply(Var v, double step) {
        double shrink = 1.0 / (1.0 + step * eps);
        return h.apply(v.mul(shrink), step * shrink);
    }

    @Override
    public void applyInPlace(double[] v, double step) {
        double shrink = 1.0 / (1.0 + step * eps);
        for (int j = 0; j < v.length; j++) {
            v[j] *= shrink;
        }
        h.applyInPlace(v, step * shrink);
    }

    @Override
    public double[] slopes(double[] v, double step) {
        double shrink = 1.0 / (1.0 + step * eps);
        double[] shrunk = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            shrunk[j] = v[j] * shrink;
        }
        double[] s = h.slopes(shrunk, step * shrink);
        if (s != null) {
            for (int j = 0; j < s.length; j++) {
                s[j] *= shrink;
            }
        }
        return s;
    }
}
