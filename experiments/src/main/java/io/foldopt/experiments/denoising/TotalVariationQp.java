package io.foldopt.experiments.denoising;

import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;

/**
 * The generalized total-variation problem {@code min_x 1/2 ||x - y||^2 + lambda ||D x||_1}, {@code D (k, n)},
 * as the equivalent QP in {@code z = (x, t) (n + k)}:
 *
 * <pre>
 *   min_z 1/2 z^T P z + q^T z   s.t.   D x - t &lt;= 0,   -D x - t &lt;= 0
 *   P = diag(1_n, 0_k),   q = (-y, lambda 1_k)
 * </pre>
 *
 * (at a solution {@code t = |D x|}). Two encodings of the constraints: {@link #inequalities} {@code G z <= 0}
 * with {@code G = [[D, -I], [-D, -I]]} for {@link io.foldopt.qp.DifferentiableQp}, and {@link #admmRows}
 * {@code l <= A z <= u} with {@code A = [[D, -I], [D, I]]}, {@code l = (-BIG, 0)}, {@code u = (0, BIG)} for
 * OSQP-style ADMM, whose bounds must be finite ({@code BIG = 1e6} is never reached: at a feasible point
 * {@code |D x -+ t| <= 2 t}, far below it). Both matrices are recorded functions of {@code D}, so gradients
 * reach it.
 */
public final class TotalVariationQp {
    /** The finite stand-in for an absent bound of the ADMM rows. */
    private static final double BIG = 1e6;

    private final int n;
    private final int k;
    private final double lambda;

    /**
     * @param n the signal length
     * @param k the rows of {@code D}
     * @param lambda the weight {@code lambda >= 0}
     */
    public TotalVariationQp(int n, int k, double lambda) {
        this.n = n;
        this.k = k;
        this.lambda = lambda;
    }

    /** @return the number {@code n + k} of variables */
    public int variables() {
        return n + k;
    }

    /** @return {@code P = diag(1_n, 0_k)} */
    public Var quadratic() {
        double[] p = new double[(n + k) * (n + k)];
        for (int i = 0; i < n; i++) {
            p[i * (n + k) + i] = 1.0;
        }
        return Var.constant(Tensor.wrap(p, n + k, n + k));
    }

    /** @return {@code q = (-y, lambda 1) (B, n + k)} */
    public Var linear(Var y) {
        return Structure.concat(y.neg(), Var.constant(Tensor.full(lambda, y.dim(0), k)));
    }

    /** @return {@code G = [[D, -I], [-D, -I]] (2k, n + k)} */
    public Var inequalities(Var d) {
        Var minusI = Var.constant(Tensor.eye(k).map(v -> -v));
        return stack(Structure.concat(d, minusI), Structure.concat(d.neg(), minusI));
    }

    /** @return {@code A = [[D, -I], [D, I]] (2k, n + k)} */
    public Var admmRows(Var d) {
        Var identity = Var.constant(Tensor.eye(k));
        return stack(Structure.concat(d, identity.neg()), Structure.concat(d, identity));
    }

    /** @return the ADMM rows' lower bounds {@code (-BIG, 0) (B, 2k)} */
    public Var admmLower(int batch) {
        return bounds(batch, -BIG, 0.0);
    }

    /** @return the ADMM rows' upper bounds {@code (0, BIG) (B, 2k)} */
    public Var admmUpper(int batch) {
        return bounds(batch, 0.0, BIG);
    }

    /** @return {@code x}, the first {@code n} columns of {@code z} (or of a state that starts with it) */
    public Var signal(Var z) {
        return z.slice(0, n);
    }

    private Var bounds(int batch, double first, double second) {
        double[] v = new double[batch * 2 * k];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < k; i++) {
                v[b * 2 * k + i] = first;
                v[b * 2 * k + k + i] = second;
            }
        }
        return Var.constant(Tensor.wrap(v, batch, 2 * k));
    }

    /** @return the rows of {@code top} above those of {@code bottom} */
    private static Var stack(Var top, Var bottom) {
        return Structure.concat(top.transpose(), bottom.transpose()).transpose();
    }
}
