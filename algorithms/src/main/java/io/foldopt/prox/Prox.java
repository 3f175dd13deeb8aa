package io.foldopt.prox;

import io.foldopt.autodiff.Arithmetic;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Shapes;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Differentiable elementwise proximal operators {@code prox_{t h}(v) = argmin_x t h(x) + 1/2 ||x - v||^2}
 * of any batch shape. Parameters (thresholds, bounds) broadcast to the shape of {@code v} (a scalar,
 * a vector {@code (n)} against {@code (B, n)}, or a full batch) and receive gradients summed over the
 * broadcast axes.
 *
 * <p>The three piecewise-linear operators record one node whose VJP multiplies the cotangent by the
 * slopes of the active piece, computed once in the forward pass. At a kink the derivative does not
 * exist; the convention is the one-sided derivative of
 *
 * <ul>
 *   <li>the <em>zero</em> piece for {@link #l1} at {@code |v| = t > 0} and for {@link #nonnegativeL1}
 *       at {@code v = t} (slope 0 in {@code v} and {@code t}); {@link #l1} with {@code t = 0} is the
 *       identity and keeps slope 1 at {@code v = 0};
 *   <li>the <em>identity</em> piece for {@link #boxIndicator} at {@code v = lo < hi} or
 *       {@code v = hi > lo} (slope 1 in {@code v}, 0 in the bounds), as {@code Elementwise.clamp}. A
 *       degenerate box {@code lo = hi} has an output independent of {@code v}: slope 0 in {@code v}
 *       and, at {@code v = lo = hi}, 1/2 in each bound, so that the derivative along {@code lo = hi}
 *       (an equality constraint) is 1.
 * </ul>
 *
 * With these choices Moreau's identity {@code l1(v, t) = v - boxIndicator(v, -t, t)} holds for the
 * derivatives too, kinks and {@code t = 0} included. A NaN in {@code v} propagates to the result; an
 * invalid parameter (a negative or NaN threshold, {@code lo > hi}) is an
 * {@link IllegalArgumentException}.
 */
public final class Prox {
    private Prox() {}

    /**
     * Soft thresholding, the prox of {@code t ||x||_1}: {@code y = sign(v) max(|v| - t, 0)}.
     * Slopes where {@code |v| > t} or {@code t = 0}: {@code dy/dv = 1}, {@code dy/dt = -sign(v)}; 0
     * elsewhere.
     *
     * @param v the argument
     * @param t the threshold {@code >= 0}, broadcast to {@code v}
     */
    public static Var l1(Var v, Var t) {
        double[] th = broadcast("l1", "threshold", t, v.shape());
        requireNonnegative("l1", t);
        double[] x = v.value().data();
        double[] y = new double[x.length];
        double[] dv = new double[x.length];
        double[] dt = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = softThreshold(x[i], th[i]);
            if (Math.abs(x[i]) > th[i] || th[i] == 0) {
                dv[i] = 1.0;
                dt[i] = -Math.signum(x[i]);
            }
        }
        return piecewiseLinear(y, v, new Var[] {t}, dv, dt);
    }

    /**
     * The prox of {@code t ||x||_1 + indicator(x >= 0)}: {@code y = max(v - t, 0)}. Slopes where
     * {@code v > t}: {@code dy/dv = 1}, {@code dy/dt = -1}; 0 elsewhere.
     *
     * @param v the argument
     * @param t the threshold {@code >= 0}, broadcast to {@code v}
     */
    public static Var nonnegativeL1(Var v, Var t) {
        double[] th = broadcast("nonnegativeL1", "threshold", t, v.shape());
        requireNonnegative("nonnegativeL1", t);
        double[] x = v.value().data();
        double[] y = new double[x.length];
        double[] dv = new double[x.length];
        double[] dt = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = nonnegativeSoftThreshold(x[i], th[i]);
            if (x[i] > th[i]) {
                dv[i] = 1.0;
                dt[i] = -1.0;
            }
        }
        return piecewiseLinear(y, v, new Var[] {t}, dv, dt);
    }

    /**
     * The prox of {@code t/2 ||x||^2}: {@code y = v / (1 + t)}, smooth, built from differentiable
     * division (so differentiable to any order): {@code dy/dv = 1/(1+t)}, {@code dy/dt = -v/(1+t)^2}.
     *
     * @param v the argument
     * @param t the weight {@code >= 0}, broadcast to {@code v}
     */
    public static Var squaredL2(Var v, Var t) {
        broadcast("squaredL2", "weight", t, v.shape());
        requireNonnegative("squaredL2", t);
        return v.div(t.add(1.0));
    }

    /**
     * The prox of the indicator of the box {@code [lo, hi]} (for any {@code t}): the clip
     * {@code y = min(max(v, lo), hi)}. Slopes: {@code dy/dlo = 1} where {@code v < lo},
     * {@code dy/dhi = 1} where {@code v > hi}, {@code dy/dv = 1} where {@code lo <= v <= hi} and
     * {@code lo < hi}, and {@code dy/dlo = dy/dhi = 1/2} where {@code v = lo = hi}. Infinite bounds
     * (absent constraints) are allowed.
     *
     * @param v the argument
     * @param lo lower bounds, broadcast to {@code v}
     * @param hi upper bounds, broadcast to {@code v}, with {@code lo <= hi}
     */
    public static Var boxIndicator(Var v, Var lo, Var hi) {
        double[] l = broadcast("boxIndicator", "lower bound", lo, v.shape());
        double[] h = broadcast("boxIndicator", "upper bound", hi, v.shape());
        for (int i = 0; i < l.length; i++) {
            if (!(l[i] <= h[i])) {
                throw new IllegalArgumentException("boxIndicator: needs lower <= upper, got " + l[i] + " > " + h[i]
                        + " at flat index " + i);
            }
        }
        double[] x = v.value().data();
        double[] y = new double[x.length];
        double[] dv = new double[x.length];
        double[] dl = new double[x.length];
        double[] dh = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = clip(x[i], l[i], h[i]);
            if (x[i] < l[i]) {
                dl[i] = 1.0;
            } else if (x[i] > h[i]) {
                dh[i] = 1.0;
            } else if (l[i] < h[i]) {
                dv[i] = 1.0;
            } else {
                dl[i] = 0.5;
                dh[i] = 0.5;
            }
        }
        return piecewiseLinear(y, v, new Var[] {lo, hi}, dv, dl, dh);
    }

    /** @return {@code sign(v) max(|v| - t, 0)}; NaN for a NaN {@code v} */
    static double softThreshold(double v, double t) {
        return Math.abs(v) > t ? v - Math.copySign(t, v) : Double.isNaN(v) ? v : 0.0;
    }

    /** @return {@code max(v - t, 0)}; NaN for a NaN {@code v} */
    static double nonnegativeSoftThreshold(double v, double t) {
        return v > t ? v - t : Double.isNaN(v) ? v : 0.0;
    }

    /** @return the slope of {@link #softThreshold} in {@code v}, as {@link #l1}: 1 where {@code |v| > t} or {@code t = 0} */
    static double softThresholdSlope(double v, double t) {
        return Math.abs(v) > t || t == 0 ? 1.0 : 0.0;
    }

    /** @return the slope of {@link #nonnegativeSoftThreshold} in {@code v}, as {@link #nonnegativeL1} */
    static double nonnegativeSoftThresholdSlope(double v, double t) {
        return v > t ? 1.0 : 0.0;
    }

    /** @return the slope of {@link #clip} in {@code v}, as {@link #boxIndicator}: 1 where {@code lo <= v <= hi}, {@code lo < hi} */
    static double clipSlope(double v, double lo, double hi) {
        return v < lo || v > hi || !(lo < hi) ? 0.0 : 1.0;
    }

    /** @return {@code min(max(v, lo), hi)}; NaN for a NaN {@code v} */
    static double clip(double v, double lo, double hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    /**
     * The node {@code y} with operands {@code v, params} whose VJP is {@code g * slopes[0]} for
     * {@code v} and {@code sumTo(g * slopes[1 + j])} for parameter {@code j}: the exact VJP of a
     * piecewise-linear map, whose slopes are constant on each piece. The rule is written with
     * differentiable operations, so it can be differentiated again (in {@code g}).
     */
    private static Var piecewiseLinear(double[] y, Var v, Var[] params, double[]... slopes) {
        int[] shape = v.shape();
        Var[] inputs = new Var[params.length + 1];
        inputs[0] = v;
        System.arraycopy(params, 0, inputs, 1, params.length);
        Var[] factors = new Var[slopes.length];
        for (int i = 0; i < slopes.length; i++) {
            factors[i] = Var.constant(Tensor.wrap(slopes[i], shape));
        }
        return Var.op(Tensor.wrap(y, shape), inputs,
                (i, g) -> Structure.sumTo(Arithmetic.mul(g, factors[i]), inputs[i].shape()));
    }

    /** @return the values of {@code p} broadcast to {@code shape}, which must be the broadcast shape */
    private static double[] broadcast(String op, String name, Var p, int[] shape) {
        Tensor pv = p.value();
        if (Arrays.equals(pv.shape(), shape)) {
            return pv.data();
        }
        int[] joint;
        try {
            joint = Shapes.broadcast(shape, pv.shape());
        } catch (IllegalArgumentException e) {
            joint = null;
        }
        if (!Arrays.equals(joint, shape)) {
            throw new IllegalArgumentException(op + ": " + name + " of shape " + Arrays.toString(pv.shape())
                    + " does not broadcast to the argument's shape " + Arrays.toString(shape));
        }
        return Kernels.binary(Tensor.zeros(shape), pv, Kernels.BinaryOp.ADD).data();
    }

    private static void requireNonnegative(String op, Var t) {
        double[] d = t.value().data();
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] >= 0)) {
                throw new IllegalArgumentException(op + ": parameter must be >= 0, got " + d[i] + " at flat index "
                        + i);
            }
        }
    }
}
