package io.foldopt.linalg;

import java.util.Random;

/** Seeded dense test matrices and independent (naive-loop) reference computations. */
final class Fixtures {
    private Fixtures() {}

    /** @return {@code I + scale * G / sqrt(n)} with G standard Gaussian: spectrum near the disk |z - 1| <= scale */
    static double[] nearIdentity(Random random, int n, double scale) {
        double[] a = new double[n * n];
        double f = scale / Math.sqrt(n);
        for (int i = 0; i < n * n; i++) {
            a[i] = f * random.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            a[i * n + i] += 1;
        }
        return a;
    }

    /** @return batch independent {@link #nearIdentity} matrices, concatenated */
    static double[] nearIdentityBatch(Random random, int batch, int n, double scale) {
        double[] a = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(nearIdentity(random, n, scale), 0, a, b * n * n, n * n);
        }
        return a;
    }

    static double[] uniform(Random random, int length) {
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = 2 * random.nextDouble() - 1;
        }
        return x;
    }

    static double[] identity(int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
        }
        return a;
    }

    static double[] multiply(double[] a, double[] b, int n) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += a[i * n + k] * b[k * n + j];
                }
            }
        }
        return c;
    }

    static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = a[i * n + j];
            }
        }
        return t;
    }

    /** @return {@code S diag(d) S^{-1}} */
    static double[] similarity(double[] s, double[] d, int n) {
        double[] sd = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sd[i * n + j] = s[i * n + j] * d[j];
            }
        }
        return multiply(sd, inverse(s, n), n);
    }

    static double[] inverse(double[] a, int n) {
        DenseLU lu = DenseLU.factor(a, n);
        double[] inv = new double[n * n];
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            double[] col = lu.solve(e);
            for (int i = 0; i < n; i++) {
                inv[i * n + j] = col[i];
            }
        }
        return inv;
    }

    /** @return an orthogonal matrix: Gram-Schmidt (twice) on the rows of a Gaussian matrix */
    static double[] orthogonal(Random random, int n) {
        double[] q = new double[n * n];
        for (int i = 0; i < n * n; i++) {
            q[i] = random.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < i; k++) {
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += q[i * n + j] * q[k * n + j];
                    }
                    for (int j = 0; j < n; j++) {
                        q[i * n + j] -= dot * q[k * n + j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i * n + j] * q[i * n + j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) {
                q[i * n + j] /= norm;
            }
        }
        return q;
    }

    /** @return {@code ||A x - g|| / ||g||} for the matrix at {@code a[aOff..]} and row {@code b} of x and g */
    static double relativeResidual(double[] a, int aOff, double[] x, double[] g, int b, int n) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double ax = 0;
            for (int j = 0; j < n; j++) {
                ax += a[aOff + i * n + j] * x[b * n + j];
            }
            double d = ax - g[b * n + i];
            num += d * d;
            den += g[b * n + i] * g[b * n + i];
        }
        return Math.sqrt(num) / Math.sqrt(den);
    }

    /** @return {@code ||x_b - y_b|| / ||y_b||} for row b */
    static double relativeError(double[] x, double[] y, int b, int n) {
        double num = 0;
        double den = 0;
        for (int i = b * n; i < (b + 1) * n; i++) {
            num += (x[i] - y[i]) * (x[i] - y[i]);
            den += y[i] * y[i];
        }
        return Math.sqrt(num / den);
    }

    /** @return the per-instance solutions of {@code A_b v_b = g_b} by {@link DenseLU} */
    static double[] referenceSolutions(double[] matrices, int batch, int n, double[] g) {
        double[] v = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            double[] a = java.util.Arrays.copyOfRange(matrices, b * n * n, (b + 1) * n * n);
            double[] gb = java.util.Arrays.copyOfRange(g, b * n, (b + 1) * n);
            System.arraycopy(DenseLU.factor(a, n).solve(gb), 0, v, b * n, n);
        }
        return v;
    }

    static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
