package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/**
 * Differentiable elementwise functions {@code y_i = f(x_i)}: exp, log, sin, cos, tanh, sigmoid,
 * relu, softplus, abs, sqrt, powers and clipping. Each VJP {@code g_i f'(x_i)} is written with
 * differentiable operations, so it can be differentiated again.
 *
 * <p>At kinks the one-sided choices are: {@code relu'(0) = 0}, {@code abs'(0) = 0}, and
 * {@code clamp} passes the cotangent where {@code lo <= x <= hi} (bounds included).
 */
public final class Elementwise {
    private Elementwise() {}

    /**
     * Applies {@code f} and records its VJP {@code g * f'(x)}. With graph creation on, the VJP is
     * {@code rule(g, y)} written with differentiable operations ({@code y} is the result node itself,
     * so rules such as {@code exp' = exp} reuse it); otherwise {@code f'(x)} is computed once from
     * {@code derivative(x, y)} and cached in the node, so repeated first-order VJPs through the same
     * recorded step (the backward solvers') cost one multiplication each. A null rule means
     * {@code f'} is piecewise constant and the cached factor serves both cases.
     */
    private static Var unary(Var x, DoubleUnaryOperator f, DoubleBinaryOperator derivative, BinaryOperator<Var> rule) {
        Tensor y = x.value().map(f);
        Var[] self = new Var[1];
        Tensor[] factor = new Tensor[1];
        Supplier<Tensor> derivatives = () -> {
            Tensor d = factor[0];
            if (d == null) {
                double[] xs = x.value().data();
                double[] ys = y.data();
                double[] out = new double[xs.length];
                for (int k = 0; k < out.length; k++) {
                    out[k] = derivative.applyAsDouble(xs[k], ys[k]);
                }
                d = Tensor.wrap(out, y.shape());
                factor[0] = d;
            }
            return d;
        };
        self[0] = Var.op(y, new Var[] {x}, (i, g) -> rule != null && GradMode.isEnabled()
                ? rule.apply(g, self[0])
                : Arithmetic.mul(g, Var.constant(derivatives.get())), i -> LinearVjp.diagonal(derivatives.get()));
        return self[0];
    }

    /** @return {@code exp(x)} */
    public static Var exp(Var x) {
        return unary(x, Math::exp, (v, y) -> y, Arithmetic::mul);
    }

    /** @return {@code log(x)} (natural) */
    public static Var log(Var x) {
        return unary(x, Math::log, (v, y) -> 1.0 / v, (g, y) -> Arithmetic.div(g, x));
    }

    /** @return {@code sin(x)} */
    public static Var sin(Var x) {
        return unary(x, Math::sin, (v, y) -> Math.cos(v), (g, y) -> Arithmetic.mul(g, cos(x)));
    }

    /** @return {@code cos(x)} */
    public static Var cos(Var x) {
        return unary(x, Math::cos, (v, y) -> -Math.sin(v),
                (g, y) -> Arithmetic.mul(g, Arithmetic.scale(sin(x), -1.0)));
    }

    /** @return {@code tanh(x)}; {@code tanh' = 1 - tanh^2} */
    public static Var tanh(Var x) {
        return unary(x, Math::tanh, (v, y) -> 1.0 - y * y, (g, y) -> Arithmetic.sub(g, Arithmetic.mul(g, Arithmetic.mul(y, y))));
    }

    /** @return {@code 1 / (1 + exp(-x))}, evaluated without overflow; {@code s' = s (1 - s)} */
    public static Var sigmoid(Var x) {
        return unary(x, Elementwise::sigmoidValue, (v, y) -> y * (1.0 - y),
                (g, y) -> Arithmetic.mul(g, Arithmetic.sub(y, Arithmetic.mul(y, y))));
    }

    static double sigmoidValue(double v) {
        if (v >= 0) {
            return 1.0 / (1.0 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1.0 + e);
    }

    /** @return {@code log(1 + exp(x))}, evaluated without overflow; derivative {@code sigmoid(x)} */
    public static Var softplus(Var x) {
        return unary(x, v -> Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))), (v, y) -> sigmoidValue(v),
                (g, y) -> Arithmetic.mul(g, sigmoid(x)));
    }

    /** @return {@code max(x, 0)} */
    public static Var relu(Var x) {
        return unary(x, v -> Math.max(v, 0.0), (v, y) -> v > 0 ? 1.0 : 0.0, null);
    }

    /** @return {@code |x|} */
    public static Var abs(Var x) {
        return unary(x, Math::abs, (v, y) -> Math.signum(v), null);
    }

    /** @return {@code x} clipped to {@code [lo, hi]} */
    public static Var clamp(Var x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp needs lo <= hi, got [" + lo + ", " + hi + "]");
        }
        return unary(x, v -> Math.min(Math.max(v, lo), hi), (v, y) -> v >= lo && v <= hi ? 1.0 : 0.0, null);
    }

    /** @return {@code sqrt(x)}; derivative {@code 1 / (2 sqrt(x))} */
    public static Var sqrt(Var x) {
        return unary(x, Math::sqrt, (v, y) -> 0.5 / y, (g, y) -> Arithmetic.scale(Arithmetic.div(g, y), 0.5));
    }

    /** @return {@code x ^ p} for a constant exponent; derivative {@code p x^(p-1)} */
    public static Var pow(Var x, double p) {
        if (p == 1.0) {
            return x;
        }
        if (p == 0.0) {
            return Var.op(Tensor.full(1.0, x.shape()), new Var[] {x}, (i, g) -> Arithmetic.scale(g, 0.0));
        }
        return unary(x, v -> Math.pow(v, p), (v, y) -> p * Math.pow(v, p - 1.0), (g, y) -> Arithmetic.mul(g, Arithmetic.scale(pow(x, p - 1.0), p)));
    }

    /** @return {@code x * m} for a constant mask or weight tensor {@code m} (broadcasting) */
    public static Var mask(Var x, Tensor m) {
        return Arithmetic.mul(x, Var.constant(m));
    }
}
