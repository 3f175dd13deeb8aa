package io.foldopt.linalg;

import io.foldopt.tensor.Kernels;
import java.util.Objects;

/**
 * LU factorization with partial pivoting, {@code P A = L U}, of a dense {@code n x n} row-major matrix, for solving
 * {@code A x = b} and {@code A^T x = b}.
 *
 * <p>The factorization is right-looking; its rank-1 updates {@code row_i[k+1..] -= l_ik row_k[k+1..]} and all
 * substitutions run over contiguous rows. {@code A} is <em>singular</em> when a pivot is at most
 * {@value #SINGULAR_PIVOT} times the largest {@code |a_ij|}, or when an entry or a factor is not finite; the
 * factorization then stops and the solve methods throw.
 */
public final class DenseLU {
    /** Pivot threshold relative to {@code max |a_ij|} below which the matrix is singular. */
    public static final double SINGULAR_PIVOT = 1e-13;

    private final double[] lu;
    private final int n;
    /** Row swapped with row k at step k. */
    private final int[] pivots;
    private final boolean singular;
    /** {@code ||A||_1}, the largest column sum of {@code |A|}. */
    private final double norm1;

    private DenseLU(double[] lu, int n, int[] pivots, boolean singular, double norm1) {
        this.lu = lu;
        this.n = n;
        this.pivots = pivots;
        this.singular = singular;
        this.norm1 = norm1;
    }

    /**
     * Factors {@code P A = L U}.
     *
     * @param a the matrix, {@code n x n} row-major; copied, not modified
     * @param n the order, at least 0
     * @return the factorization, possibly marked singular
     */
    public static DenseLU factor(double[] a, int n) {
        Objects.requireNonNull(a, "a");
        if (n < 0 || a.length != (long) n * n) {
            throw new IllegalArgumentException("expected an " + n + " x " + n + " matrix, got length " + a.length);
        }
        return factorInPlace(a.clone(), n);
    }

    /** Width of the column panels of the blocked factorization. */
    private static final int PANEL = 32;

    /**
     * Like {@link #factor} but overwrites and keeps {@code a}, which the caller must not use afterwards.
     *
     * <p>Blocked right-looking LU: each panel of {@value #PANEL} columns is factored with partial
     * pivoting (whole rows swapped), its block row of {@code U} is solved against the unit lower
     * triangle, and the trailing matrix gets one product update {@code A22 -= L21 U12}
     * ({@link Kernels#multiplyAdd}), so the trailing matrix is streamed once per panel instead of
     * once per column.
     */
    static DenseLU factorInPlace(double[] a, int n) {
        double maxAbs = 0;
        boolean finite = true;
        double[] columnSums = new double[n];
        for (int i = 0; i < a.length; i++) {
            double v = Math.abs(a[i]);
            finite &= Double.isFinite(v);
            maxAbs = Math.max(maxAbs, v);
            columnSums[i % n] += v;
        }
        double threshold = SINGULAR_PIVOT * maxAbs;
        int[] pivots = new int[n];
        boolean singular = !finite;
        for (int k0 = 0; k0 < n && !singular; k0 += PANEL) {
            int k1 = Math.min(n, k0 + PANEL);
            for (int k = k0; k < k1 && !singular; k++) {
                singular = !eliminateColumn(a, n, k, k1, threshold, pivots);
            }
            int width = n - k1;
            if (singular || width == 0) {
                continue;
            }
            // U12 = L11^{-1} A12, in place.
            for (int k = k0; k < k1; k++) {
                int rk = k * n;
                for (int i = k + 1; i < k1; i++) {
                    double l = a[i * n + k];
                    if (l != 0) {
                        Vec.axpy(-l, a, rk + k1, a, i * n + k1, width);
                    }
                }
            }
            Kernels.multiplyAdd(-1.0, a, k1 * n + k0, n, a, k0 * n + k1, n, a, k1 * n + k1, n, width, k1 - k0, width);
        }
        if (!singular) {
            singular = !Vec.allFinite(a, 0, a.length);
        }
        return new DenseLU(a, n, pivots, singular, Vec.normInf(columnSums));
    }

    /**
     * Step {@code k} inside the panel ending at column {@code k1}: picks the pivot of column {@code k},
     * swaps whole rows, stores the multipliers {@code l_ik} and updates the panel's later columns.
     *
     * @return false if the pivot is below {@code threshold} (singular) or infinite
     */
    private static boolean eliminateColumn(double[] a, int n, int k, int k1, double threshold, int[] pivots) {
        int p = k;
        double big = Math.abs(a[k * n + k]);
        for (int i = k + 1; i < n; i++) {
            double v = Math.abs(a[i * n + k]);
            if (v > big) {
                big = v;
                p = i;
            }
        }
        pivots[k] = p;
        if (!(big > threshold) || big == Double.POSITIVE_INFINITY) {
            return false;
        }
        int rk = k * n;
        if (p != k) {
            int rp = p * n;
            for (int j = 0; j < n; j++) {
                double tmp = a[rk + j];
                a[rk + j] = a[rp + j];
                a[rp + j] = tmp;
            }
        }
        double pivot = a[rk + k];
        for (int i = k + 1; i < n; i++) {
            int ri = i * n;
            double l = a[ri + k] / pivot;
            a[ri + k] = l;
            if (l != 0) {
                Vec.axpy(-l, a, rk + k + 1, a, ri + k + 1, k1 - k - 1);
            }
        }
        return true;
    }

    /** @return the order n */
    public int size() {
        return n;
    }

    /** @return whether a pivot was at most {@code SINGULAR_PIVOT * max|a_ij|}, or an entry or factor not finite */
    public boolean isSingular() {
        return singular;
    }

    /**
     * Estimates the condition number {@code kappa_1(A) = ||A||_1 ||A^{-1}||_1} from the factors, with Hager's
     * estimator of {@code ||A^{-1}||_1} ({@link ConditionEstimate}): a few solves with {@code A} and {@code A^T},
     * {@code O(n^2)} work. The estimate is a lower bound that is almost always within a factor 3 of the true value.
     *
     * @return the estimate, infinity if the matrix is singular, 1 for {@code n = 0}
     */
    public double conditionEstimate() {
        if (singular) {
            return Double.POSITIVE_INFINITY;
        }
        if (n == 0) {
            return 1.0;
        }
        return norm1 * ConditionEstimate.inverseOneNorm(n, this::solveInPlace, this::solveTransposeInPlace);
    }

    /**
     * @param b the right-hand side, length n; not modified
     * @return x with {@code A x = b}
     * @throws IllegalStateException if the matrix is singular
     */
    public double[] solve(double[] b) {
        double[] x = checkedCopy(b);
        solveInPlace(x);
        return x;
    }

    /**
     * Overwrites b with x such that {@code A x = b}: {@code L y = P b} forward, then {@code U x = y} backward.
     *
     * @param b the right-hand side, length n; overwritten with the solution
     * @throws IllegalStateException if the matrix is singular
     */
    public void solveInPlace(double[] b) {
        checkSolvable(b);
        for (int k = 0; k < n; k++) {
            swap(b, k, pivots[k]);
        }
        for (int i = 1; i < n; i++) {
            b[i] -= Vec.dot(lu, i * n, b, 0, i);
        }
        for (int i = n - 1; i >= 0; i--) {
            int ri = i * n;
            b[i] = (b[i] - Vec.dot(lu, ri + i + 1, b, i + 1, n - i - 1)) / lu[ri + i];
        }
    }

    /**
     * @param b the right-hand side, length n; not modified
     * @return x with {@code A^T x = b}
     * @throws IllegalStateException if the matrix is singular
     */
    public double[] solveTranspose(double[] b) {
        double[] x = checkedCopy(b);
        solveTransposeInPlace(x);
        return x;
    }

    /**
     * Overwrites b with x such that {@code A^T x = U^T L^T P x = b}: {@code U^T w = b} forward, {@code L^T z = w}
     * backward (both column-oriented, over contiguous rows of the factors), then {@code x = P^T z}.
     *
     * @param b the right-hand side, length n; overwritten with the solution
     * @throws IllegalStateException if the matrix is singular
     */
    public void solveTransposeInPlace(double[] b) {
        checkSolvable(b);
        for (int k = 0; k < n; k++) {
            int rk = k * n;
            b[k] /= lu[rk + k];
            Vec.axpy(-b[k], lu, rk + k + 1, b, k + 1, n - k - 1);
        }
        for (int k = n - 1; k > 0; k--) {
            Vec.axpy(-b[k], lu, k * n, b, 0, k);
        }
        for (int k = n - 1; k >= 0; k--) {
            swap(b, k, pivots[k]);
        }
    }

    private double[] checkedCopy(double[] b) {
        checkSolvable(b);
        return b.clone();
    }

    private void checkSolvable(double[] b) {
        Objects.requireNonNull(b, "b");
        if (singular) {
            throw new IllegalStateException("matrix is singular (a pivot is at most " + SINGULAR_PIVOT
                    + " * max|a_ij|, or an entry is not finite): cannot solve");
        }
        if (b.length != n) {
            throw new IllegalArgumentException("right-hand side has length " + b.length + ", expected " + n);
        }
    }

    private static void swap(double[] b, int i, int j) {
        double tmp = b[i];
        b[i] = b[j];
        b[j] = tmp;
    }
}
