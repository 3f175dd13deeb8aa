package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;

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
     * Applies {@code f} and records the rule {@code (g, y) -> cotangent of x}, where {@code y} is the
     * result node itself (so rules such as {@code exp' = exp} reuse it).
     */
    private static Var unary(Var x, DoubleUnaryOperator f, BinaryOperator<Var> rule) {
        Var[] self = new Var[1];
        self[0] = Var.op(x.value().map(f), new Var[] {x}, (i, g) -> rule.apply(g, self[0]));
        return self[0];
    }

    /** Cotangent {@code g * m} for a constant elementwise factor {@code m = h(x)}. */
    private static Var constantFactor(Var x, DoubleUnaryOperator f, DoubleUnaryOperator factor) {
        return Var.op(x.value().map(f), new Var[] {x},
                (i, g) -> Arithmetic.mul(g, Var.constant(x.value().map(factor))));
    }

    /** @return {@code exp(x)} */
    public static Var exp(Var x) {
        return unary(x, Math::exp, Arithmetic::mul);
    }

    /** @return {@code log(x)} (natural) */
    public static Var log(Var x) {
        return unary(x, Math::log, (g, y) -> Arithmetic.div(g, x));
    }

    /** @return {@code sin(x)} */
    public static Var sin(Var x) {
        return unary(x, Math::sin, (g, y) -> Arithmetic.mul(g, cos(x)));
    }

    /** @return {@code cos(x)} */
    public static Var cos(Var x) {
        return unary(x, Math::cos, (g, y) -> Arithmetic.mul(g, Arithmetic.scale(sin(x), -1.0)));
    }

    /** @return {@code tanh(x)}; {@code tanh' = 1 - tanh^2} */
    public static Var tanh(Var x) {
        return unary(x, Math::tanh, (g, y) -> Arithmetic.sub(g, Arithmetic.mul(g, Arithmetic.mul(y, y))));
    }

    /** @return {@code 1 / (1 + exp(-x))}, evaluated without overflow; {@code s' = s (1 - s)} */
    public static Var sigmoid(Var x) {
        return unary(x, Elementwise::sigmoidValue,
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
        return unary(x, v -> Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))),
                (g, y) -> Arithmetic.mul(g, sigmoid(x)));
    }

    /** @return {@code max(x, 0)} */
    public static Var relu(Var x) {
        return constantFactor(x, v -> Math.max(v, 0.0), v -> v > 0 ? 1.0 : 0.0);
    }

    /** @return {@code |x|} */
    public static Var abs(Var x) {
        return constantFactor(x, Math::abs, Math::signum);
    }

    /** @return {@code x} clipped to {@code [lo, hi]} */
    public static Var clamp(Var x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp needs lo <= hi, got [" + lo + ", " + hi + "]");
        }
        return constantFactor(x, v -> Math.min(Math.max(v, lo), hi), v -> v >= lo && v <= hi ? 1.0 : 0.0);
    }

    /** @return {@code sqrt(x)}; derivative {@code 1 / (2 sqrt(x))} */
    public static Var sqrt(Var x) {
        return unary(x, Math::sqrt, (g, y) -> Arithmetic.scale(Arithmetic.div(g, y), 0.5));
    }

    /** @return {@code x ^ p} for a constant exponent; derivative {@code p x^(p-1)} */
    public static Var pow(Var x, double p) {
        if (p == 1.0) {
            return x;
        }
        if (p == 0.0) {
            return Var.op(Tensor.full(1.0, x.shape()), new Var[] {x}, (i, g) -> Arithmetic.scale(g, 0.0));
        }
        return unary(x, v -> Math.pow(v, p), (g, y) -> Arithmetic.mul(g, Arithmetic.scale(pow(x, p - 1.0), p)));
    }

    /** @return {@code x * m} for a constant mask or weight tensor {@code m} (broadcasting) */
    public static Var mask(Var x, Tensor m) {
        return Arithmetic.mul(x, Var.constant(m));
    }
}
