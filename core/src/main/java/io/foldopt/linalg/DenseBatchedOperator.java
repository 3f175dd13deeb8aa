package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link BatchedOperator} given by dense matrices: {@code y_b = A_b x_b}, with either one {@code n x n} matrix
 * shared by all instances or one per instance. The row-major matrices are wrapped, not copied. Rows of x that are
 * zero are skipped (their rows of y are set to zero).
 */
public final class DenseBatchedOperator implements BatchedOperator {
    private final double[] matrices;
    private final int n;
    private final int batch;
    /** Offset between consecutive instances' matrices: 0 when shared, {@code n^2} otherwise. */
    private final int stride;

    private DenseBatchedOperator(double[] matrices, int n, int batch, int stride) {
        this.matrices = matrices;
        this.n = n;
        this.batch = batch;
        this.stride = stride;
    }

    /**
     * @param a one {@code n x n} row-major matrix, used by every instance; wrapped, not copied
     * @param n dimension, at least 1
     * @param batch number of instances, at least 1
     * @return the operator {@code y_b = A x_b}
     */
    public static DenseBatchedOperator shared(double[] a, int n, int batch) {
        check(a, n, batch, 1);
        return new DenseBatchedOperator(a, n, batch, 0);
    }

    /**
     * @param a {@code batch} consecutive {@code n x n} row-major matrices, length {@code batch n^2}; wrapped, not
     *     copied
     * @param n dimension, at least 1
     * @param batch number of instances, at least 1
     * @return the operator {@code y_b = A_b x_b}
     */
    public static DenseBatchedOperator perInstance(double[] a, int n, int batch) {
        check(a, n, batch, batch);
        return new DenseBatchedOperator(a, n, batch, n * n);
    }

    private static void check(double[] a, int n, int batch, int matrices) {
        Objects.requireNonNull(a, "a");
        if (n < 1 || batch < 1) {
            throw new IllegalArgumentException("need n >= 1 and batch >= 1, got n = " + n + ", batch = " + batch);
        }
        long expected = (long) matrices * n * n;
        if (a.length != expected) {
            throw new IllegalArgumentException("expected " + matrices + " matrices of " + n + " x " + n
                    + " (length " + expected + "), got length " + a.length);
        }
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public int dim() {
        return n;
    }

    @Override
    public void apply(double[] x, double[] y) {
        int length = batch * n;
        if (x.length != length || y.length != length) {
            throw new IllegalArgumentException("x and y must have length batch * n = " + length + ", got "
                    + x.length + " and " + y.length);
        }
        Parallel.forEach(batch, 2L * n * n, b -> {
            int o = b * n;
            if (Vec.isZero(x, o, n)) {
                Arrays.fill(y, o, o + n, 0.0);
                return;
            }
            int base = b * stride;
            for (int i = 0; i < n; i++) {
                y[o + i] = Vec.dot(matrices, base + i * n, x, o, n);
            }
        });
    }
}
