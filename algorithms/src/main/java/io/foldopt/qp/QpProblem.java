package io.foldopt.qp;

import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;

/**
 * One validated instance of the convex QP
 *
 * <pre>
 *   min_z 1/2 z^T P z + q^T z   s.t.   A z = b,   G z &lt;= h
 * </pre>
 *
 * with {@code z} of size {@code n}, {@code p} equalities and {@code m} inequalities (either count may be 0).
 * The objective depends on {@code P} only through its symmetric part, so the instance stores
 * {@code (P + P^T) / 2}; it must be positive semidefinite. Instances are immutable; the arrays are shared
 * with the solvers of this package, which never write into them.
 */
public final class QpProblem {
    final int n;
    final int p;
    final int m;
    /** Symmetric part of P, n x n row-major. */
    final double[] pm;
    final double[] q;
    /** A, p x n row-major. */
    final double[] a;
    final double[] b;
    /** G, m x n row-major. */
    final double[] g;
    final double[] h;

    /** Takes ownership of the arrays (already validated, {@code pm} already symmetric). */
    QpProblem(int n, double[] pm, double[] q, double[] a, double[] b, double[] g, double[] h) {
        this.n = n;
        this.p = b.length;
        this.m = h.length;
        this.pm = pm;
        this.q = q;
        this.a = a;
        this.b = b;
        this.g = g;
        this.h = h;
    }

    /**
     * Validates one instance given as unbatched tensors: {@code P (n, n)}, {@code q (n)}, {@code A (p, n)},
     * {@code b (p)}, {@code G (m, n)}, {@code h (m)}. {@code A, b} and {@code G, h} may be null (absent).
     *
     * @throws IllegalArgumentException naming the parameter on a shape mismatch, a non-finite entry or a
     *     {@code P} that is not positive semidefinite
     */
    public static QpProblem of(Tensor pm, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h) {
        QpBatch batch = QpBatch.of(pm, q, a, b, g, h);
        if (batch.size() != 1) {
            throw new IllegalArgumentException("QpProblem.of takes one instance, the parameters have batch size "
                    + batch.size());
        }
        return batch.instance(0);
    }

    /** @return the number of variables {@code n} */
    public int n() {
        return n;
    }

    /** @return the number of equality constraints {@code p} */
    public int equalities() {
        return p;
    }

    /** @return the number of inequality constraints {@code m} */
    public int inequalities() {
        return m;
    }

    /** @return {@code 1/2 z^T P z + q^T z} */
    public double objective(double[] z) {
        double[] pz = new double[n];
        Dense.multiply(pm, n, n, z, pz);
        return 0.5 * Vec.dot(z, pz) + Vec.dot(q, z);
    }

    /**
     * The KKT residual of a candidate primal-dual point: the largest of the infinity norms of the
     * stationarity residual {@code P z + q + A^T nu + G^T lambda}, the equality residual {@code A z - b},
     * the inequality violation {@code max(G z - h, 0)}, the multiplier sign violation
     * {@code max(-lambda, 0)} and the complementarity products {@code lambda_i (h - G z)_i}. All terms are
     * absolute; the point is a KKT point exactly when the residual is 0.
     */
    public double kktResidual(double[] z, double[] nu, double[] lambda) {
        double[] grad = new double[n];
        Dense.multiply(pm, n, n, z, grad);
        Vec.axpy(1.0, q, 0, grad, 0, n);
        return kktResidual(grad, a, b, g, h, z, nu, lambda);
    }

    /**
     * The KKT residual of {@code min f(z) s.t. A z = b, G z <= h} at {@code (z, nu, lambda)} given
     * {@code grad = grad f(z)}: as {@link #kktResidual(double[], double[], double[])} with
     * {@code P z + q} replaced by {@code grad} (infinity if a term is NaN).
     */
    static double kktResidual(double[] grad, double[] a, double[] b, double[] g, double[] h, double[] z,
            double[] nu, double[] lambda) {
        int n = z.length;
        double[] stat = grad.clone();
        for (int i = 0; i < b.length; i++) {
            Vec.axpy(nu[i], a, i * n, stat, 0, n);
        }
        for (int i = 0; i < h.length; i++) {
            Vec.axpy(lambda[i], g, i * n, stat, 0, n);
        }
        double worst = Vec.normInf(stat);
        for (int i = 0; i < b.length; i++) {
            worst = Math.max(worst, Math.abs(Vec.dot(a, i * n, z, 0, n) - b[i]));
        }
        for (int i = 0; i < h.length; i++) {
            double slack = h[i] - Vec.dot(g, i * n, z, 0, n);
            worst = Math.max(worst, Math.max(Math.max(-slack, -lambda[i]), Math.abs(lambda[i] * slack)));
        }
        return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
    }

    /**
     * The relative KKT residual of a candidate primal-dual point: the largest of
     * {@code ||P z + q + A^T nu + G^T lambda||_inf / || |P| |z| + |q| + |A^T| |nu| + |G^T| |lambda| ||_inf},
     * {@code ||A z - b||_inf / || |A| |z| + |b| ||_inf}, {@code ||max(G z - h, 0)||_inf / || |G| |z| + |h| ||_inf},
     * {@code ||max(-lambda, 0)||_inf / ||lambda||_inf} and the complementarity
     * {@code sum_i lambda_i |h - G z|_i / sum_i lambda_i (|G| |z| + |h|)_i} ({@code |M|} the entrywise absolute
     * value, {@code 0 / 0 = 0}). Each term compares a residual with the sizes of the terms it sums, so it is
     * invariant under any scaling of the variables, the constraints and the objective: a point whose relative
     * residual is {@code eps} is a KKT point of data perturbed by about {@code eps} relative to each entry's
     * contribution. Infinity if a term is NaN.
     */
    public double relativeKktResidual(double[] z, double[] nu, double[] lambda) {
        double[] absZ = abs(z);
        double[] r = new double[n];
        double[] mag = new double[n];
        double[] t = new double[n];
        Dense.multiply(pm, n, n, z, r);
        Dense.multiply(abs(pm), n, n, absZ, mag);
        Dense.multiplyTranspose(a, p, n, nu, t);
        Vec.axpy(1.0, t, 0, r, 0, n);
        Dense.multiplyTranspose(abs(a), p, n, abs(nu), t);
        Vec.axpy(1.0, t, 0, mag, 0, n);
        Dense.multiplyTranspose(g, m, n, lambda, t);
        Vec.axpy(1.0, t, 0, r, 0, n);
        Dense.multiplyTranspose(abs(g), m, n, abs(lambda), t);
        Vec.axpy(1.0, t, 0, mag, 0, n);
        Vec.axpy(1.0, q, 0, r, 0, n);
        Vec.axpy(1.0, abs(q), 0, mag, 0, n);
        double worst = ratio(Vec.normInf(r), Vec.normInf(mag));
        double[] az = new double[p];
        double[] azMag = new double[p];
        Dense.multiply(a, p, n, z, az);
        Dense.multiply(abs(a), p, n, absZ, azMag);
        double res = 0;
        double size = 0;
        for (int i = 0; i < p; i++) {
            res = Math.max(res, Math.abs(az[i] - b[i]));
            size = Math.max(size, azMag[i] + Math.abs(b[i]));
        }
        worst = Math.max(worst, ratio(res, size));
        double[] gz = new double[m];
        double[] gzMag = new double[m];
        Dense.multiply(g, m, n, z, gz);
        Dense.multiply(abs(g), m, n, absZ, gzMag);
        res = 0;
        size = 0;
        double sign = 0;
        double comp = 0;
        double compSize = 0;
        for (int i = 0; i < m; i++) {
            double slack = h[i] - gz[i];
            double rowSize = gzMag[i] + Math.abs(h[i]);
            res = Math.max(res, -slack);
            size = Math.max(size, rowSize);
            sign = Math.max(sign, -lambda[i]);
            double li = Math.max(lambda[i], 0.0);
            comp += li * Math.abs(slack);
            compSize += li * rowSize;
        }
        worst = Math.max(worst, Math.max(ratio(res, size), ratio(sign, Vec.normInf(lambda))));
        worst = Math.max(worst, ratio(comp, compSize));
        return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
    }

    /**
     * @return how far {@code (nu, lambda)} is from a Farkas certificate of infeasibility, relative to the data's
     *     size: the largest of {@code ||A^T nu + G^T lambda||_inf / (||A^T||_inf ||nu||_inf + ||G^T||_inf
     *     ||lambda||_inf)} and {@code ||max(-lambda, 0)||_inf / ||lambda||_inf}; infinity unless
     *     {@code b^T nu + h^T lambda} is negative beyond its rounding error
     *     ({@code 1e-12 (|b|^T |nu| + |h|^T |lambda|)})
     */
    public double farkasViolation(double[] nu, double[] lambda) {
        double bound = Vec.dot(b, nu) + Vec.dot(h, lambda);
        if (!(bound < -1e-12 * (Vec.dot(abs(b), abs(nu)) + Vec.dot(abs(h), abs(lambda))))) {
            return Double.POSITIVE_INFINITY;
        }
        double[] r = new double[n];
        double[] t = new double[n];
        Dense.multiplyTranspose(a, p, n, nu, r);
        Dense.multiplyTranspose(g, m, n, lambda, t);
        Vec.axpy(1.0, t, 0, r, 0, n);
        double size = columnSumNorm(a, p) * Vec.normInf(nu) + columnSumNorm(g, m) * Vec.normInf(lambda);
        double sign = 0;
        for (double l : lambda) {
            sign = Math.max(sign, -l);
        }
        double worst = Math.max(ratio(Vec.normInf(r), size), ratio(sign, Vec.normInf(lambda)));
        return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
    }

    /**
     * @return how far {@code d} is from a direction of unboundedness, relative to the data's size: the largest of
     *     {@code ||P d||_inf / (||P||_inf ||d||_inf)}, {@code ||A d||_inf / (||A||_inf ||d||_inf)} and
     *     {@code ||max(G d, 0)||_inf / (||G||_inf ||d||_inf)}; infinity unless {@code q^T d} is negative beyond
     *     its rounding error ({@code 1e-12 |q|^T |d|})
     */
    public double rayViolation(double[] d) {
        if (!(Vec.dot(q, d) < -1e-12 * Vec.dot(abs(q), abs(d)))) {
            return Double.POSITIVE_INFINITY;
        }
        double normD = Vec.normInf(d);
        double worst = 0;
        double[][] mats = {pm, a, g};
        int[] rows = {n, p, m};
        for (int k = 0; k < 3; k++) {
            double[] md = new double[rows[k]];
            Dense.multiply(mats[k], rows[k], n, d, md);
            double res = 0;
            double norm = 0;
            for (int i = 0; i < rows[k]; i++) {
                res = Math.max(res, k == 2 ? md[i] : Math.abs(md[i]));
                double rowSum = 0;
                for (int j = 0; j < n; j++) {
                    rowSum += Math.abs(mats[k][i * n + j]);
                }
                norm = Math.max(norm, rowSum);
            }
            worst = Math.max(worst, ratio(res, norm * normD));
        }
        return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
    }

    /** @return {@code res / size}, 0 when {@code res <= 0}, infinity when {@code res > 0 = size} */
    private static double ratio(double res, double size) {
        if (!(res > 0)) {
            return Double.isNaN(res) ? Double.NaN : 0.0;
        }
        return size > 0 ? res / size : Double.POSITIVE_INFINITY;
    }

    /** @return {@code ||M^T||_inf}, the largest column sum of {@code |M|} for {@code M (rows x n)} */
    private double columnSumNorm(double[] mat, int rows) {
        double[] sums = new double[n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                sums[j] += Math.abs(mat[i * n + j]);
            }
        }
        return Vec.normInf(sums);
    }

    private static double[] abs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }

    /** @return the largest absolute entry of {@code P, q, A, b, G, h} */
    public double dataNorm() {
        double norm = 0;
        for (double[] v : new double[][] {pm, q, a, b, g, h}) {
            norm = Math.max(norm, Vec.normInf(v));
        }
        return norm;
    }

    /** @return the slacks {@code h - G z} */
    double[] slacks(double[] z) {
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            s[i] = h[i] - Vec.dot(g, i * n, z, 0, n);
        }
        return s;
    }

    /**
     * @return true if the symmetric {@code n x n} matrix {@code pm} is positive semidefinite up to a
     *     relative tolerance: it is diagonally dominant with a nonnegative diagonal (then its eigenvalues are
     *     nonnegative by Gershgorin's theorem; {@code O(n^2)}), or the {@link Cholesky} factorization of
     *     {@code P + 1e-9 max(1, max_i P_ii) I} succeeds
     */
    static boolean isPositiveSemidefinite(double[] pm, int n) {
        if (isDiagonallyDominant(pm, n)) {
            return true;
        }
        double maxDiag = 1;
        for (int i = 0; i < n; i++) {
            maxDiag = Math.max(maxDiag, Math.abs(pm[i * n + i]));
        }
        return Cholesky.factor(pm, n, 1e-9 * maxDiag, 0.0).isPositiveDefinite();
    }

    /** @return whether {@code P_ii >= sum_{j != i} |P_ij|} for every row {@code i} */
    private static boolean isDiagonallyDominant(double[] pm, int n) {
        for (int i = 0; i < n; i++) {
            double off = 0;
            for (int j = 0; j < n; j++) {
                off += j == i ? 0.0 : Math.abs(pm[i * n + j]);
            }
            if (!(pm[i * n + i] >= off)) {
                return false;
            }
        }
        return true;
    }
}
