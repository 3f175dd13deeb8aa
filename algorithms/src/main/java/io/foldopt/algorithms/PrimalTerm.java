package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import java.util.Arrays;

/**
 * A convex function {@code f(x; c)} of {@code x (n)} that depends on layer parameters {@code c}, given by its
 * proximal operator {@code prox_{s f}(v) = argmin_x s f(x; c) + 1/2 ||x - v||^2} in two forms: recorded on a batch
 * (for update maps) and in place on one instance (for forward solvers).
 */
public interface PrimalTerm {
    /** @return the names of the layer parameters {@code c} this term reads, in order */
    String[] parameterNames();

    /**
     * @param v the argument {@code (B, n)}
     * @param step {@code s > 0}
     * @param params the layer parameters {@code c}, each {@code (B, n)}
     * @return {@code prox_{s f(.; c)}(v)}, differentiable in {@code v} and {@code c}
     */
    Var prox(Var v, double step, Var[] params);

    /** Overwrites one instance {@code v} with {@code prox_{s f(.; c)}(v)}, given the instance's parameter rows. */
    void proxInPlace(double[] v, double step, double[][] params);

    /**
     * The diagonal of the Jacobian of the prox in {@code v} at one instance, when the prox is elementwise (for
     * backward passes that apply it many times without a graph).
     *
     * @param v one instance (length {@code n}); not modified
     * @param step {@code s > 0}
     * @param params the instance's parameter rows
     * @return {@code d prox_{s f}(v)_j / d v_j} for every {@code j}, or null if the prox is not elementwise or this
     *     term does not provide its slopes (the caller then differentiates {@link #prox})
     */
    default double[] proxSlopes(double[] v, double step, double[][] params) {
        return null;
    }

    /**
     * @return {@code f(x; d) = 1/2 ||x - d||^2} with the one parameter {@code d (B, n)}:
     *     {@code prox_{s f}(v) = (v + s d) / (1 + s)}
     */
    static PrimalTerm squaredDistance() {
        return new PrimalTerm() {
            @Override
            public String[] parameterNames() {
                return new String[] {"d"};
            }

            @Override
            public Var prox(Var v, double step, Var[] params) {
                return v.add(params[0].mul(step)).mul(1.0 / (1.0 + step));
            }

            @Override
            public void proxInPlace(double[] v, double step, double[][] params) {
                double[] d = params[0];
                double scale = 1.0 / (1.0 + step);
                for (int j = 0; j < v.length; j++) {
                    v[j] = (v[j] + step * d[j]) * scale;
                }
            }

            @Override
            public double[] proxSlopes(double[] v, double step, double[][] params) {
                double[] out = new double[v.length];
                Arrays.fill(out, 1.0 / (1.0 + step));
                return out;
            }
        };
    }
}
