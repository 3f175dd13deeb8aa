package io.foldopt.check;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks a differentiable function's VJP against central finite differences along random
 * directions: for a random cotangent {@code w} and direction {@code d}, compares
 * {@code <vjp(w), d>} with {@code (<w, f(x + h d)> - <w, f(x - h d)>) / (2h)}.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /** The outcome of a check. */
    public record Result(double worstRelativeError, double[] analytic, double[] numeric) {
        /** @return true if the worst relative error is at most {@code tolerance} */
        public boolean passes(double tolerance) {
            return worstRelativeError <= tolerance;
        }
    }

    /**
     * @param f the function of the inputs, built from foldopt operations (any layer)
     * @param at the point
     * @param directions number of random directions
     * @param step the finite-difference step {@code h}
     * @param seed seed of the random cotangents and directions
     * @return the worst relative error {@code |a - n| / max(|a|, |n|, 1e-12)} over the directions
     */
    public static Result check(Function<Var[], Var> f, Tensor[] at, int directions, double step, long seed) {
        return check(f, shifted -> GradMode.noGrad(() -> f.apply(constants(shifted))).value(), at, directions,
                step, seed);
    }

    /**
     * Like {@link #check(Function, Tensor[], int, double, long)}, but evaluates the function at the
     * shifted points with {@code evaluate} instead of applying {@code f} to constants with recording
     * off. Needed when {@code f} itself differentiates its inputs (a function built with
     * {@link Autodiff#gradGraph}, such as an update map {@code x - alpha grad_x f(x, c)}, or a
     * Hessian-vector product): such a function needs its inputs to be recorded parameters.
     *
     * @param evaluate the value of {@code f} at given input values
     */
    public static Result check(Function<Var[], Var> f, Function<Tensor[], Tensor> evaluate, Tensor[] at,
            int directions, double step, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Var[] x = new Var[at.length];
        for (int i = 0; i < at.length; i++) {
            x[i] = Var.param(at[i]);
        }
        Var y = GradMode.withGrad(() -> f.apply(x));
        double[] analytic = new double[directions];
        double[] numeric = new double[directions];
        double worst = 0;
        for (int k = 0; k < directions; k++) {
            Tensor w = Tensor.randn(rng, y.shape());
            Tensor[] d = new Tensor[at.length];
            for (int i = 0; i < at.length; i++) {
                d[i] = Tensor.randn(rng, at[i].shape());
            }
            Tensor[] grads = Autodiff.vjp(new Var[] {y}, x, new Tensor[] {w});
            double a = 0;
            for (int i = 0; i < at.length; i++) {
                if (!grads[i].sameShape(at[i])) {
                    throw new IllegalStateException("the VJP for input " + i + " has shape "
                            + Arrays.toString(grads[i].shape()) + ", the input has shape "
                            + Arrays.toString(at[i].shape()));
                }
                a += dot(grads[i], d[i]);
            }
            double plus = dot(w, evaluate.apply(shift(at, d, step)));
            double minus = dot(w, evaluate.apply(shift(at, d, -step)));
            double n = (plus - minus) / (2 * step);
            analytic[k] = a;
            numeric[k] = n;
            double err = Math.abs(a - n) / Math.max(Math.max(Math.abs(a), Math.abs(n)), 1e-12);
            worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
        }
        return new Result(worst, analytic, numeric);
    }

    /** @return {@code at + h d}, input by input */
    private static Tensor[] shift(Tensor[] at, Tensor[] d, double h) {
        Tensor[] shifted = new Tensor[at.length];
        for (int i = 0; i < at.length; i++) {
            double[] p = at[i].toArray();
            double[] q = d[i].data();
            for (int j = 0; j < p.length; j++) {
                p[j] += h * q[j];
            }
            shifted[i] = Tensor.wrap(p, at[i].shape());
        }
        return shifted;
    }

    private static Var[] constants(Tensor[] values) {
        Var[] v = new Var[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = Var.constant(values[i]);
        }
        return v;
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        double[] x = a.data();
        double[] y = b.data();
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
