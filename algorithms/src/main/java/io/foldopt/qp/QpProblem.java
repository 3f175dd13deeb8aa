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
     *     relative tolerance: the {@link Cholesky} factorization of {@code P + 1e-9 max(1, max_i P_ii) I}
     *     succeeds
     */
    static boolean isPositiveSemidefinite(double[] pm, int n) {
        double maxDiag = 1;
        for (int i = 0; i < n; i++) {
            maxDiag = Math.max(maxDiag, Math.abs(pm[i * n + i]));
        }
        return Cholesky.factor(pm, n, 1e-9 * maxDiag, 0.0).isPositiveDefinite();
    }
}
