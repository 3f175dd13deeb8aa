package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded random batches of feasible, bounded QPs, for tests and benchmarks. In both families
 * {@code P = M M^T / n + 0.5 I} with standard normal {@code M} (positive definite, so the solution is unique)
 * and {@code A, G} are standard normal; each of {@code P, A, G} is shared by the batch or drawn per instance.
 */
public final class RandomQp {
    private RandomQp() {}

    /**
     * A batch with a planted primal-dual solution; {@code A, b} ({@code G, h}) are null when {@code p}
     * ({@code m}) is 0.
     *
     * @param pm {@code P}
     * @param q {@code q (B, n)}
     * @param a {@code A}
     * @param b {@code b (B, p)}
     * @param g {@code G}
     * @param h {@code h (B, m)}
     * @param z the solutions, per instance
     * @param nu the equality multipliers, per instance
     * @param lambda the inequality multipliers, per instance
     */
    public record Planted(Tensor pm, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h, double[][] z,
            double[][] nu, double[][] lambda) {
        /** @return the validated batch */
        public QpBatch batch() {
            return QpBatch.of(pm, q, a, b, g, h);
        }

        /** @return {@code {P, q, A, b, G, h}} */
        public Tensor[] params() {
            return new Tensor[] {pm, q, a, b, g, h};
        }
    }

    /**
     * Draws a solution {@code z*, nu*} (standard normal) and, per inequality, a role: the first
     * {@code active} are strictly active ({@code lambda* in [0.5, 1.5]}, slack 0), the next {@code weak} weakly
     * active ({@code lambda* = 0}, slack 0), the rest inactive ({@code lambda* = 0}, slack in
     * {@code [0.5, 1.5]}); then sets {@code q = -(P z* + A^T nu* + G^T lambda*)}, {@code b = A z*},
     * {@code h = G z* + slack}, so that {@code (z*, nu*, lambda*)} satisfies the KKT conditions.
     *
     * @param sharedMatrices whether {@code P, A, G} are shared by the batch (else per instance)
     */
    public static Planted planted(long seed, int batch, int n, int p, int m, int active, int weak,
            boolean sharedMatrices) {
        if (active + weak > m) {
            throw new IllegalArgumentException("active + weak = " + (active + weak) + " exceeds m = " + m);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int copies = sharedMatrices ? 1 : batch;
        double[] pd = positiveDefinite(rng, copies, n);
        double[] ad = Tensor.randn(rng, copies * p * n).data();
        double[] gd = Tensor.randn(rng, copies * m * n).data();
        double[] qd = new double[batch * n];
        double[] bd = new double[batch * p];
        double[] hd = new double[batch * m];
        double[][] zs = new double[batch][];
        double[][] nus = new double[batch][];
        double[][] lams = new double[batch][];
        for (int k = 0; k < batch; k++) {
            int c = sharedMatrices ? 0 : k;
            double[] z = Tensor.randn(rng, n).data();
            double[] nu = Tensor.randn(rng, p).data();
            double[] lam = new double[m];
            double[] slack = new double[m];
            for (int i = 0; i < m; i++) {
                if (i < active) {
                    lam[i] = 0.5 + rng.nextDouble();
                } else if (i >= active + weak) {
                    slack[i] = 0.5 + rng.nextDouble();
                }
            }
            double[] grad = new double[n];
            double[] t = new double[n];
            Dense.multiply(Arrays.copyOfRange(pd, c * n * n, (c + 1) * n * n), n, n, z, grad);
            Dense.multiplyTranspose(Arrays.copyOfRange(ad, c * p * n, (c + 1) * p * n), p, n, nu, t);
            Vec.axpy(1.0, t, 0, grad, 0, n);
            Dense.multiplyTranspose(Arrays.copyOfRange(gd, c * m * n, (c + 1) * m * n), m, n, lam, t);
            Vec.axpy(1.0, t, 0, grad, 0, n);
            for (int j = 0; j < n; j++) {
                qd[k * n + j] = -grad[j];
            }
            for (int i = 0; i < p; i++) {
                bd[k * p + i] = Vec.dot(ad, (c * p + i) * n, z, 0, n);
            }
            for (int i = 0; i < m; i++) {
                hd[k * m + i] = Vec.dot(gd, (c * m + i) * n, z, 0, n) + slack[i];
            }
            zs[k] = z;
            nus[k] = nu;
            lams[k] = lam;
        }
        return new Planted(matrix(pd, sharedMatrices, batch, n, n), Tensor.wrap(qd, batch, n),
                p == 0 ? null : matrix(ad, sharedMatrices, batch, p, n), p == 0 ? null : Tensor.wrap(bd, batch, p),
                m == 0 ? null : matrix(gd, sharedMatrices, batch, m, n), m == 0 ? null : Tensor.wrap(hd, batch, m),
                zs, nus, lams);
    }

    /**
     * Per-instance data {@code {P, q, A, b, G, h}} without a planted solution: {@code q} standard normal
     * times {@code qScale}, {@code b = A z0} and {@code h = G z0 + U[0, 1]} for a standard normal {@code z0},
     * so every instance is strictly feasible; which inequalities are active, and how strongly, is left to
     * chance (some multipliers come out small, which tests the identification of the active set).
     */
    public static Tensor[] feasible(long seed, int batch, int n, int p, int m, double qScale) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor pm = Tensor.wrap(positiveDefinite(rng, batch, n), batch, n, n);
        Tensor q = Tensor.randn(rng, batch, n).map(v -> qScale * v);
        Tensor a = Tensor.randn(rng, batch, p, n);
        Tensor g = Tensor.randn(rng, batch, m, n);
        double[] z0 = Tensor.randn(rng, batch, n).data();
        double[] b = new double[batch * p];
        double[] h = new double[batch * m];
        for (int k = 0; k < batch; k++) {
            for (int i = 0; i < p; i++) {
                b[k * p + i] = Vec.dot(a.data(), (k * p + i) * n, z0, k * n, n);
            }
            for (int i = 0; i < m; i++) {
                h[k * m + i] = Vec.dot(g.data(), (k * m + i) * n, z0, k * n, n) + rng.nextDouble();
            }
        }
        return new Tensor[] {pm, q, a, Tensor.wrap(b, batch, p), g, Tensor.wrap(h, batch, m)};
    }

    /** @return {@code copies} matrices {@code M M^T / n + 0.5 I}, row-major one after another */
    private static double[] positiveDefinite(SplittableRandom rng, int copies, int n) {
        double[] out = new double[copies * n * n];
        for (int c = 0; c < copies; c++) {
            double[] mm = Tensor.randn(rng, n, n).data();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    out[(c * n + i) * n + j] = (i == j ? 0.5 : 0.0) + Vec.dot(mm, i * n, mm, j * n, n) / n;
                }
            }
        }
        return out;
    }

    private static Tensor matrix(double[] data, boolean shared, int batch, int rows, int cols) {
        return shared ? Tensor.wrap(data, rows, cols) : Tensor.wrap(data, batch, rows, cols);
    }
}
