package io.foldopt.operator;

import io.foldopt.parallel.Parallel;

/**
 * Forward differences on signals of length {@code n}: {@code (D x)_i = x_{i+1} - x_i} for {@code i < n - 1} and
 * {@code (D x)_{n-1} = 0} (the Neumann boundary: nothing is assumed beyond the last sample). So {@code D} is
 * {@code n x n}, {@code ||D x||_1} is the one-dimensional total variation, and {@code D^T} is the negative discrete
 * divergence: {@code (D^T y)_j = y_{j-1} [j > 0] - y_j [j < n - 1]}.
 */
public final class FiniteDifference1d extends KernelOperator {
    /** @param n the signal length, at least 1 */
    public FiniteDifference1d(int n) {
        super(positive(n), n, null);
    }

    private static int positive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FiniteDifference1d: length must be >= 1, got " + n);
        }
        return n;
    }

    @Override
    protected void forward(double[] p, double[] x, double[] out, int batch) {
        int n = cols();
        Parallel.forRanges(batch * n, 2, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                if (t % n != n - 1) {
                    out[t] = x[t + 1] - x[t];
                }
            }
        });
    }

    @Override
    protected void backward(double[] p, double[] y, double[] out, int batch) {
        int n = cols();
        Parallel.forRanges(batch * n, 2, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int j = t % n;
                out[t] = (j > 0 ? y[t - 1] : 0) - (j < n - 1 ? y[t] : 0);
            }
        });
    }

    @Override
    public String toString() {
        return "FiniteDifference1d(" + cols() + ")";
    }
}
