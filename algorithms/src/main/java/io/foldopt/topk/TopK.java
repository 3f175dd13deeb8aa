package io.foldopt.topk;

import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Var;
import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Smoothed top-k layers: {@code x*(c) = argmax_x c^T x + eps H(x)} subject to
 * {@code 0 <= x <= 1, 1^T x = k}, for a batch {@code c (B, n)}, with analytic VJPs.
 *
 * <ul>
 *   <li>Binary entropy {@code H(x) = -sum x_i log x_i + (1 - x_i) log(1 - x_i)} (the LML layer of
 *       Amos et al. 2019): {@code x_i = sigmoid((c_i - nu) / eps)}, with the multiplier {@code nu}
 *       of {@code 1^T x = k} found by bisection; the bounds are never active.
 *   <li>Shannon entropy {@code H(x) = -sum x_i log x_i}: {@code x_i = min(1, exp((c_i - nu) / eps - 1))},
 *       {@code nu} by bisection; coordinates at the upper bound 1 are fixed (zero derivative).
 * </ul>
 * The multiplier is found in the scaled space {@code z = (c - c_(k)) / eps} ({@code c_(k)} the k-th largest
 * score) by Newton's method safeguarded by bisection over the bits of a double, so neither a huge or tiny
 * {@code eps} nor huge scores can overflow it or lose the constraint; tied scores get equal values
 * ({@code c = (1, 1, 0), k = 1} gives {@code (1/2, 1/2, 0)} for every {@code eps}). {@link #check} verifies a
 * solution independently.
 *
 * <p>In both, with {@code s_i = dx_i / d((c_i - nu))} on the free coordinates, the VJP is
 * {@code dL/dc_i = s_i (g_i - sum_j s_j g_j / sum_j s_j)}: differentiating
 * {@code x_i = phi(c_i - nu)} under {@code sum_i dx_i = 0}. The VJP is first order: differentiating it
 * again throws {@link UnsupportedOperationException}.
 */
public final class TopK {
    /** Bisection steps that close any bracket: one per bit of a double; also the budget of Newton steps. */
    private static final int BISECTION_STEPS = 64;

    private TopK() {}

    /** The entropy regularizer of the layer. */
    public enum Entropy {
        /** {@code -x log x - (1 - x) log(1 - x)}: the LML layer. */
        BINARY,
        /** {@code -x log x}. */
        SHANNON
    }

    /** @return the LML layer {@code x*(c)} with binary entropy */
    public static Var binaryEntropy(Var c, int k, double eps) {
        return layer(c, k, eps, Entropy.BINARY);
    }

    /** @return the top-k layer {@code x*(c)} with Shannon entropy */
    public static Var shannonEntropy(Var c, int k, double eps) {
        return layer(c, k, eps, Entropy.SHANNON);
    }

    /**
     * @param c scores {@code (B, n)}, finite
     * @param k the number of labels, {@code 0 < k < n}
     * @param eps the entropy weight, a finite normal double {@code > 0}
     * @param entropy which regularizer
     * @return {@code x*(c) (B, n)}
     */
    public static Var layer(Var c, int k, double eps, Entropy entropy) {
        Tensor cv = c.value();
        if (cv.rank() != 2) {
            throw new IllegalArgumentException("top-k layer needs scores of shape (B, n), got "
                    + Arrays.toString(cv.shape()));
        }
        int batch = cv.dim(0);
        int n = cv.dim(1);
        if (k <= 0 || k >= n) {
            throw new IllegalArgumentException("top-k layer needs 0 < k < n, got k = " + k + ", n = " + n);
        }
        if (!(eps >= Double.MIN_NORMAL) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("top-k layer needs a finite eps of at least " + Double.MIN_NORMAL
                    + " (the smallest normal double), got " + eps);
        }
        int bad = cv.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("top-k layer: score of instance " + bad / n + " is not finite");
        }
        double[] cd = cv.data();
        double[] x = new double[batch * n];
        double[] weight = new double[batch * n];
        Parallel.forEach(batch, (long) n * BISECTION_STEPS, b -> solveInstance(cd, b * n, n, k, eps, entropy, x,
                weight));
        Tensor weights = Tensor.wrap(weight, batch, n);
        return Operation.recordFirstOrder("top-k layer", new Tensor[] {Tensor.wrap(x, batch, n)}, new Var[] {c},
                (g, needsGrad) -> new Tensor[] {vjp(g[0], weights, eps)})[0];
    }

    /**
     * How well {@code x} solves one instance, from checks on {@code x} alone.
     *
     * @param status {@link Status#OPTIMAL} if {@code x} is finite, in {@code [0, 1]}, and both errors are within
     *     {@link #TOLERANCE}; {@link Status#OPTIMAL_INACCURATE} if they are within {@link #LOOSE_TOLERANCE};
     *     otherwise {@link Status#NUMERICAL_FAILURE}
     * @param sumError {@code |sum_i x_i - k|}
     * @param stationarity {@code max_i |x_i - phi(z_i - t)|} for a multiplier {@code t} estimated from {@code x}
     *     (the best-conditioned coordinate), {@code z_i = (c_i - c_(k)) / eps}: zero exactly when {@code x}
     *     is the maximizer, whose optimality conditions are {@code x_i = phi((c_i - nu) / eps)} for one
     *     {@code nu}
     */
    public record Check(Status status, double sumError, double stationarity) {}

    /** Tolerance of {@link #check}'s errors for {@link Status#OPTIMAL}: relative to {@code max(1, n / 100)}. */
    public static final double TOLERANCE = 1e-10;
    /** Tolerance of {@link #check}'s errors for {@link Status#OPTIMAL_INACCURATE}. */
    public static final double LOOSE_TOLERANCE = 1e-6;

    /**
     * Checks a candidate solution {@code x} of one instance: finiteness, the bounds {@code 0 <= x <= 1}, the
     * constraint {@code sum x = k} and stationarity (see {@link Check}).
     *
     * @param c the scores {@code (n)}
     * @param x the candidate {@code (n)}
     * @return the errors and the status they give
     */
    public static Check check(double[] c, double[] x, int k, double eps, Entropy entropy) {
        int n = c.length;
        if (x.length != n) {
            throw new IllegalArgumentException("top-k check: x has " + x.length + " entries, c has " + n);
        }
        double sum = 0;
        for (double xi : x) {
            if (!(xi >= 0 && xi <= 1)) {
                return new Check(Status.NUMERICAL_FAILURE, Double.NaN, Double.NaN);
            }
            sum += xi;
        }
        double[] z = scaledScores(c, 0, n, k, eps);
        double t = estimateMultiplier(z, x, entropy);
        double residual = 0;
        for (int i = 0; i < n; i++) {
            residual = Math.max(residual, Math.abs(x[i] - phi(z[i] - t, entropy)));
        }
        double sumError = Math.abs(sum - k);
        double scale = Math.max(1.0, n / 100.0);
        double worst = Math.max(sumError, residual) / scale;
        Status status = worst <= TOLERANCE ? Status.OPTIMAL
                : worst <= LOOSE_TOLERANCE ? Status.OPTIMAL_INACCURATE : Status.NUMERICAL_FAILURE;
        return new Check(status, sumError, residual);
    }

    /**
     * @return the scaled multiplier {@code t} with {@code x_i = phi(z_i - t)} at the coordinate where that
     *     equation is best conditioned (binary: the largest {@code x_i (1 - x_i)}; Shannon: the largest
     *     {@code x_i < 1}); if every {@code x_i} is 0 or 1, a {@code t} in the gap between the scores of the
     *     zeros and of the ones
     */
    private static double estimateMultiplier(double[] z, double[] x, Entropy entropy) {
        int best = -1;
        double bestScore = 0;
        double maxZero = Double.NEGATIVE_INFINITY;
        double minOne = Double.POSITIVE_INFINITY;
        for (int i = 0; i < z.length; i++) {
            double score = entropy == Entropy.BINARY ? x[i] * (1 - x[i]) : x[i] < 1 ? x[i] : 0;
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
            if (x[i] == 0) {
                maxZero = Math.max(maxZero, z[i]);
            } else if (x[i] == 1) {
                minOne = Math.min(minOne, z[i]);
            }
        }
        if (best >= 0) {
            double xb = x[best];
            return entropy == Entropy.BINARY ? z[best] - (Math.log(xb) - Math.log1p(-xb))
                    : z[best] - 1 - Math.log(xb);
        }
        if (entropy == Entropy.SHANNON) {
            return Double.isFinite(minOne) ? minOne - 1 : 0;
        }
        if (Double.isFinite(maxZero) && Double.isFinite(minOne)) {
            return 0.5 * maxZero + 0.5 * minOne;
        }
        return Double.isFinite(minOne) ? minOne - 64 : Double.isFinite(maxZero) ? maxZero + 64 : 0;
    }

    /**
     * Solves one instance in the scaled space {@code z_i = (c_i - c_(k)) / eps} ({@code c_(k)} the k-th largest
     * score), where {@code x_i = phi(z_i - t)} with the scaled multiplier {@code t = (nu - c_(k)) / eps}: Newton's
     * method on {@code sum_i x_i(t) = k} inside a bracket that always holds the root, with a bisection step over the
     * ordered bit patterns of the bracket's doubles whenever the Newton point leaves it, so it ends at two adjacent
     * doubles (at most 64 bisection steps whatever the magnitudes of {@code c} and {@code eps}; a few Newton steps
     * in practice). Stores {@code x} and the unscaled slopes {@code w_i = eps dx_i/dc_i} at fixed
     * {@code nu}.
     */
    private static void solveInstance(double[] c, int off, int n, int k, double eps, Entropy entropy, double[] x,
            double[] weight) {
        double[] z = scaledScores(c, off, n, k, eps);
        double tLo;
        double tHi;
        if (entropy == Entropy.BINARY) {
            // At t = z_(k+1) - log k - 1 the top k + 1 terms each exceed k / (k + 1); at t = log n + 1 every term
            // but the top k - 1 is below 1 / (e n).
            tLo = kthLargest(z, k + 1) - Math.log(k) - 1;
            tHi = Math.log(n) + 1;
        } else {
            // At t = -1 the top k terms are capped at 1; at t = log n all but the top k - 1 sum to at most 1.
            tLo = -1;
            tHi = Math.log(n);
        }
        tLo = Math.max(tLo, -Double.MAX_VALUE);
        long lo = orderedBits(tLo);
        long hi = orderedBits(tHi);
        // Invariant: sum(lo) >= k >= sum(hi) (the sum decreases in t). Newton steps on sum(t) = k while they stay
        // strictly inside the bracket, bisection over the ordered bits otherwise; when Newton has converged, its
        // point and a neighbour close the bracket to two adjacent doubles. After BISECTION_STEPS steps only
        // bisection remains, which bounds the steps by 2 BISECTION_STEPS.
        double[] slope = new double[1];
        double t = 0.5 * fromOrderedBits(lo) + 0.5 * fromOrderedBits(hi);
        for (int step = 0; hi - 1 > lo; step++) {
            long bits = orderedBits(t);
            if (bits <= lo || bits >= hi || step >= BISECTION_STEPS) {
                bits = (lo & hi) + ((lo ^ hi) >> 1);
                t = fromOrderedBits(bits);
            }
            double excess = sumAndSlope(z, t, entropy, slope) - k;
            if (excess > 0) {
                lo = bits;
            } else {
                hi = bits;
            }
            double newton = slope[0] > 0 ? t + excess / slope[0] : Double.NaN;
            if (newton == t) {
                newton = fromOrderedBits(excess > 0 ? bits + 1 : bits - 1);
            }
            t = newton;
        }
        t = fromOrderedBits(hi);
        double tBelow = fromOrderedBits(lo);
        if (Math.abs(sum(z, tBelow, entropy) - k) < Math.abs(sum(z, t, entropy) - k)) {
            t = tBelow;
        }
        for (int i = 0; i < n; i++) {
            double u = z[i] - t;
            if (entropy == Entropy.BINARY) {
                x[off + i] = sigmoid(u);
                weight[off + i] = sigmoid(u) * sigmoid(-u);
            } else {
                double e = Math.exp(u - 1);
                x[off + i] = Math.min(1.0, e);
                weight[off + i] = e < 1.0 ? e : 0.0;
            }
        }
    }

    /**
     * @return {@code z_i = (c_i - c_(k)) / eps} for one instance, computed without overflow of the difference
     *     (an overflowing quotient saturates to an infinity, which the layer maps to 0 or 1)
     */
    static double[] scaledScores(double[] c, int off, int n, int k, double eps) {
        double[] z = new double[n];
        System.arraycopy(c, off, z, 0, n);
        double center = kthLargest(z, k);
        for (int i = 0; i < n; i++) {
            double half = 0.5 * c[off + i] - 0.5 * center;
            z[i] = half == 0 ? 0.0 : 2 * (half / eps);
        }
        return z;
    }

    /** @return the k-th largest entry of {@code v} (1-based); {@code v} is not modified */
    private static double kthLargest(double[] v, int k) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - k];
    }

    /** @return a long whose order is the order of the (non-NaN) doubles */
    private static long orderedBits(double v) {
        long bits = Double.doubleToLongBits(v + 0.0);
        return bits >= 0 ? bits : Long.MIN_VALUE - bits;
    }

    /** @return the double of {@link #orderedBits(double)} */
    private static double fromOrderedBits(long ordered) {
        return Double.longBitsToDouble(ordered >= 0 ? ordered : Long.MIN_VALUE - ordered);
    }

    /**
     * @return {@code sum_i phi(z_i - t)}, and in {@code slope[0]} its rate of decrease in {@code t},
     *     {@code sum_i phi'(z_i - t)}
     */
    private static double sumAndSlope(double[] z, double t, Entropy entropy, double[] slope) {
        double s = 0;
        double d = 0;
        for (double zi : z) {
            double u = zi - t;
            if (entropy == Entropy.BINARY) {
                double x = sigmoid(u);
                s += x;
                d += x * (1 - x);
            } else {
                double e = Math.exp(u - 1);
                s += Math.min(1.0, e);
                d += e < 1.0 ? e : 0.0;
            }
        }
        slope[0] = d;
        return s;
    }

    /** @return {@code sum_i phi(z_i - t)} */
    private static double sum(double[] z, double t, Entropy entropy) {
        double s = 0;
        for (double zi : z) {
            s += phi(zi - t, entropy);
        }
        return s;
    }

    /** @return {@code x = phi(u)}: {@code sigmoid(u)} (binary) or {@code min(1, exp(u - 1))} (Shannon) */
    private static double phi(double u, Entropy entropy) {
        return entropy == Entropy.BINARY ? sigmoid(u) : Math.min(1.0, Math.exp(u - 1));
    }

    private static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /**
     * {@code dL/dc_i = s_i (g_i - sum_j s_j g_j / sum_j s_j)} per instance, with {@code s = w / eps} from the
     * unscaled slopes {@code w} (the mean is scale-free, so only the final product is divided by {@code eps}).
     */
    private static Tensor vjp(Tensor g, Tensor weights, double eps) {
        int batch = g.dim(0);
        int n = g.dim(1);
        double[] gd = g.data();
        double[] w = weights.data();
        double[] out = new double[gd.length];
        for (int b = 0; b < batch; b++) {
            double wg = 0;
            double ww = 0;
            for (int i = b * n; i < (b + 1) * n; i++) {
                wg += w[i] * gd[i];
                ww += w[i];
            }
            double mean = ww > 0 ? wg / ww : 0;
            for (int i = b * n; i < (b + 1) * n; i++) {
                out[i] = w[i] / eps * (gd[i] - mean);
            }
        }
        return Tensor.wrap(out, batch, n);
    }
}
