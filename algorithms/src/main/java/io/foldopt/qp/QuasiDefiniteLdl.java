package io.foldopt.qp;

import io.foldopt.linalg.Vec;
/**
 * {@code L D L^T} factorization without pivoting of a symmetric quasi-definite matrix
 * {@code K = [H, C^T; C, 0]} ({@code H} of order {@code n} positive semidefinite, {@code C} of {@code k}
 * rows), regularized to {@code K_d = K + diag(delta I_n, -delta I_k)}.
 *
 * <p>With {@code delta > 0} the matrix {@code K_d} is quasi-definite, so it has an {@code L D L^T} factorization
 * for every symmetric ordering, with {@code D} positive on the first {@code n} pivots and negative on the
 * last {@code k} (Vanderbei 1995). Rounding may still produce a pivot of the wrong sign or a tiny one; such a
 * pivot {@code d_j} with {@code sign_j d_j <= 1e-13 max(1, |K_jj|)} is replaced by
 * {@code sign_j 1e-7 max(1, |K_jj|)} (dynamic regularization, as in Clarabel and OSQP). The caller removes
 * both regularizations by iterative refinement against the system it actually wants to solve.
 *
 * <p>A factorization of its own, not a copy of those in {@code io.foldopt.linalg}: {@code Cholesky} needs a
 * positive definite matrix and {@code DenseLU} pivots (which would destroy the quasi-definite structure and the
 * sign pattern of {@code D} that the dynamic regularization relies on); this one is symmetric, indefinite and
 * unpivoted. A workspace for one matrix order, reused across the iterations of one solve; not thread-safe.
 */
final class QuasiDefiniteLdl {
    private static final double PIVOT_THRESHOLD = 1e-13;
    private static final double DYNAMIC_PIVOT = 1e-7;

    private final int dim;
    private final int positive;
    /** Upper triangle of {@code D L^T} (row-major, dim x dim): {@code u_ki = d_k l_ik} for {@code i > k}. */
    private final double[] u;
    private final double[] d;

    /**
     * @param dim the order {@code n + k}
     * @param positive the number {@code n} of leading pivots that must be positive
     */
    QuasiDefiniteLdl(int dim, int positive) {
        this.dim = dim;
        this.positive = positive;
        this.u = new double[dim * dim];
        this.d = new double[dim];
    }

    /**
     * Factors {@code K + diag(delta I_n, -delta I_k)} by symmetric Gaussian elimination on the upper
     * triangle: at step {@code k}, every later row {@code i} gets {@code row_i[i..] -= (u_ki / d_k) row_k[i..]}
     * (contiguous updates, about {@code dim^3 / 6} multiply-adds).
     *
     * @param matrix the symmetric {@code K}, row-major (only the upper triangle is read); not modified
     * @param delta the static regularization, {@code >= 0}
     */
    void factor(double[] matrix, double delta) {
        System.arraycopy(matrix, 0, u, 0, dim * dim);
        for (int k = 0; k < dim; k++) {
            int rk = k * dim;
            double sign = k < positive ? 1.0 : -1.0;
            double dk = u[rk + k] + sign * delta;
            double scale = Math.max(1.0, Math.abs(matrix[rk + k]));
            if (!(sign * dk > PIVOT_THRESHOLD * scale)) {
                dk = sign * DYNAMIC_PIVOT * scale;
            }
            d[k] = dk;
            for (int i = k + 1; i < dim; i++) {
                double f = u[rk + i] / dk;
                if (f != 0) {
                    Vec.axpy(-f, u, rk + i, u, i * dim + i, dim - i);
                }
            }
        }
    }

    /**
     * Overwrites {@code x} with {@code K_d^{-1} x}: {@code L y = x} (column sweeps over the rows of
     * {@code D L^T}), {@code D w = y}, {@code L^T x = w}.
     */
    void solve(double[] x) {
        for (int k = 0; k < dim - 1; k++) {
            Vec.axpy(-x[k] / d[k], u, k * dim + k + 1, x, k + 1, dim - k - 1);
        }
        for (int k = dim - 1; k >= 0; k--) {
            x[k] = (x[k] - Vec.dot(u, k * dim + k + 1, x, k + 1, dim - k - 1)) / d[k];
        }
    }
}
