package io.foldopt.prox;

import io.foldopt.autodiff.Var;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;

/**
 * A {@link ProximalOperator} of an elementwise {@code h} with one or two parameters (scalar or
 * {@code (n)}): its differentiable form is one of {@link Prox}'s operators, its plain form the same
 * operator on one element, its slopes that operator's derivative on one element. Weights are multiplied by the step ({@code prox_{s h}} thresholds at
 * {@code s w}); bounds are not.
 */
final class ElementwiseProx implements ProximalOperator {
    /** The operator on one element with its two (step-scaled) parameter values. */
    @FunctionalInterface
    interface ScalarRule {
        double apply(double v, double a, double b);
    }

    private final String name;
    private final Var[] params;
    private final boolean scaledByStep;
    private final BiFunction<Var, Var[], Var> op;
    private final ScalarRule scalar;
    private final ScalarRule slope;

    private ElementwiseProx(String name, Var[] params, boolean scaledByStep, BiFunction<Var, Var[], Var> op,
            ScalarRule scalar, ScalarRule slope) {
        for (Var p : params) {
            if (p.rank() > 1) {
                throw new IllegalArgumentException(name + ": parameters must be scalars or vectors (n), got shape "
                        + Arrays.toString(p.shape()));
            }
        }
        this.name = name;
        this.params = params;
        this.scaledByStep = scaledByStep;
        this.op = op;
        this.scalar = scalar;
        this.slope = slope;
    }

    /** @return the prox of a weighted {@code h}, whose threshold is {@code step * weight} */
    static ElementwiseProx weighted(String name, Var weight, BiFunction<Var, Var, Var> op,
            DoubleBinaryOperator scalar, DoubleBinaryOperator slope) {
        for (double w : weight.value().data()) {
            if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(name + ": weight must be finite and >= 0, got " + w);
            }
        }
        return new ElementwiseProx(name, new Var[] {weight}, true, (v, p) -> op.apply(v, p[0]),
                (v, a, b) -> scalar.applyAsDouble(v, a), (v, a, b) -> slope.applyAsDouble(v, a));
    }

    /** @return the prox of the indicator of {@code [lower, upper]} */
    static ElementwiseProx box(Var lower, Var upper) {
        double[] lo = lower.value().data();
        double[] hi = upper.value().data();
        if (lo.length != hi.length && lo.length != 1 && hi.length != 1) {
            throw new IllegalArgumentException("box: bounds of lengths " + lo.length + " and " + hi.length
                    + " do not match");
        }
        for (int j = 0; j < Math.max(lo.length, hi.length); j++) {
            if (!(at(lo, j) <= at(hi, j))) {
                throw new IllegalArgumentException("box: needs lower <= upper, got " + at(lo, j) + " > " + at(hi, j)
                        + " at index " + j);
            }
        }
        return new ElementwiseProx("box", new Var[] {lower, upper}, false, (v, p) -> Prox.boxIndicator(v, p[0], p[1]),
                Prox::clip, Prox::clipSlope);
    }

    @Override
    public Var apply(Var v, double step) {
        if (!scaledByStep) {
            return op.apply(v, params);
        }
        Var[] scaled = new Var[params.length];
        for (int i = 0; i < params.length; i++) {
            scaled[i] = params[i].mul(step);
        }
        return op.apply(v, scaled);
    }

    @Override
    public void applyInPlace(double[] v, double step) {
        map(scalar, v, v, step);
    }

    @Override
    public double[] slopes(double[] v, double step) {
        double[] out = new double[v.length];
        map(slope, v, out, step);
        return out;
    }

    /** {@code out_j = rule(v_j, s a_j, s b_j)} with the parameters {@code a, b} scaled by the step if weights. */
    private void map(ScalarRule rule, double[] v, double[] out, double step) {
        double[] a = params[0].value().data();
        double[] b = params[params.length - 1].value().data();
        if (a.length != 1 && a.length != v.length || b.length != 1 && b.length != v.length) {
            throw new IllegalArgumentException(name + ": parameter of length " + Math.max(a.length, b.length)
                    + " for an argument of length " + v.length);
        }
        double s = scaledByStep ? step : 1.0;
        for (int j = 0; j < v.length; j++) {
            out[j] = rule.apply(v[j], s * at(a, j), s * at(b, j));
        }
    }

    /** @return entry {@code j} of a parameter, broadcasting a scalar */
    private static double at(double[] p, int j) {
        return p.length == 1 ? p[0] : p[j];
    }
}
