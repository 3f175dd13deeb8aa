package io.foldopt.topk;

import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Var;
import io.foldopt.parallel.Parallel;
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
 * In both, with {@code s_i = dx_i / d((c_i - nu))} on the free coordinates, the VJP is
 * {@code dL/dc_i = s_i (g_i - sum_j s_j g_j / sum_j s_j)}: differentiating
 * {@code x_i = phi(c_i - nu)} under {@code sum_i dx_i = 0}. The VJP is first order: differentiating it
 * again throws {@link UnsupportedOperationException}.
 */
public final class TopK {
    private static final int BISECTION_STEPS = 200;

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
     * @param eps the entropy weight, {@code > 0}
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
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("top-k layer needs a positive finite eps, got " + eps);
        }
        int bad = cv.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("top-k layer: score of instance " + bad / n + " is not finite");
        }
        double[] cd = cv.data();
        double[] x = new double[batch * n];
        double[] slope = new double[batch * n];
        Parallel.forEach(batch, (long) n * BISECTION_STEPS, b -> solveInstance(cd, b * n, n, k, eps, entropy, x,
                slope));
        Tensor slopes = Tensor.wrap(slope, batch, n);
        return Operation.recordFirstOrder("top-k layer", new Tensor[] {Tensor.wrap(x, batch, n)}, new Var[] {c},
                (g, needsGrad) -> new Tensor[] {vjp(g[0], slopes)})[0];
    }

    /**
     * Solves one instance: bisection on {@code nu} for {@code sum_i x_i(nu) = k} (each {@code x_i}
     * decreases in {@code nu}), then stores {@code x} and the slopes {@code s_i = dx_i/dc_i} at fixed
     * {@code nu}.
     */
    private static void solveInstance(double[] c, int off, int n, int k, double eps, Entropy entropy, double[] x,
            double[] slope) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            lo = Math.min(lo, c[i]);
            hi = Math.max(hi, c[i]);
        }
        // At nu = lo - 40 eps every x_i is (numerically) at its upper end, at nu = hi + 40 eps at 0.
        lo -= 40 * eps;
        hi += 40 * eps;
        for (int it = 0; it < BISECTION_STEPS && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); it++) {
            double nu = 0.5 * (lo + hi);
            if (sum(c, off, n, nu, eps, entropy) > k) {
                lo = nu;
            } else {
                hi = nu;
            }
        }
        double nu = 0.5 * (lo + hi);
        for (int i = off; i < off + n; i++) {
            double z = (c[i] - nu) / eps;
            if (entropy == Entropy.BINARY) {
                double xi = sigmoid(z);
                x[i] = xi;
                slope[i] = xi * (1 - xi) / eps;
            } else {
                double xi = Math.exp(z - 1);
                x[i] = Math.min(1.0, xi);
                slope[i] = xi < 1.0 ? xi / eps : 0.0;
            }
        }
    }

    private static double sum(double[] c, int off, int n, double nu, double eps, Entropy entropy) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            double z = (c[i] - nu) / eps;
            s += entropy == Entropy.BINARY ? sigmoid(z) : Math.min(1.0, Math.exp(z - 1));
        }
        return s;
    }

    private static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** {@code dL/dc_i = s_i (g_i - sum_j s_j g_j / sum_j s_j)} per instance. */
    private static Tensor vjp(Tensor g, Tensor slopes) {
        int batch = g.dim(0);
        int n = g.dim(1);
        double[] gd = g.data();
        double[] s = slopes.data();
        double[] out = new double[gd.length];
        for (int b = 0; b < batch; b++) {
            double sg = 0;
            double ss = 0;
            for (int i = b * n; i < (b + 1) * n; i++) {
                sg += s[i] * gd[i];
                ss += s[i];
            }
            double mean = ss > 0 ? sg / ss : 0;
            for (int i = b * n; i < (b + 1) * n; i++) {
                out[i] = s[i] * (gd[i] - mean);
            }
        }
        return Tensor.wrap(out, batch, n);
    }
}
