package io.foldopt.check;

import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Seeded random matrices for tests, benchmarks and problem generators, and the largest eigenvalue of a
 * symmetric positive semidefinite matrix.
 */
public final class RandomMatrices {
    private RandomMatrices() {}

    /**
     * @return {@code Q = M^T M / n + shift I} with {@code M (n, n)} standard normal from {@code seed}:
     *     symmetric (exactly) and positive definite for {@code shift > 0}, eigenvalues in about
     *     {@code [shift, 4 + shift]}
     */
    public static Tensor spd(int n, double shift, long seed) {
        Tensor m = Tensor.randn(new SplittableRandom(seed), n, n);
        double[] q = Kernels.gemm(m.transpose().data(), 0, m.data(), 0, 1, n, n, n);
        for (int i = 0; i < q.length; i++) {
            q[i] /= n;
        }
        for (int i = 0; i < n; i++) {
            q[i * n + i] += shift;
        }
        return Tensor.wrap(q, n, n);
    }

    /**
     * @return the largest eigenvalue of a symmetric positive semidefinite matrix: power iteration with
     *     the Rayleigh quotient (which converges with the square of the eigenvalue ratio), until it
     *     changes by less than {@code 1e-12} relatively or after 20,000 iterations
     */
    public static double largestEigenvalue(Tensor a) {
        int n = a.dim(0);
        double[][] rows = a.rowArrays();
        double[] v = new double[n];
        double[] w = new double[n];
        java.util.Arrays.fill(v, 1.0 / Math.sqrt(n));
        double lambda = 0;
        for (int it = 0; it < 20_000; it++) {
            java.util.Arrays.fill(w, 0.0);
            for (int j = 0; j < n; j++) {
                double vj = v[j];
                double[] row = rows[j];
                for (int i = 0; i < n; i++) {
                    w[i] += vj * row[i];
                }
            }
            double rayleigh = 0;
            double norm = 0;
            for (int i = 0; i < n; i++) {
                rayleigh += v[i] * w[i];
                norm += w[i] * w[i];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return 0;
            }
            for (int i = 0; i < n; i++) {
                v[i] = w[i] / norm;
            }
            if (Math.abs(rayleigh - lambda) <= 1e-12 * rayleigh) {
                return rayleigh;
            }
            lambda = rayleigh;
        }
        return lambda;
    }
}
