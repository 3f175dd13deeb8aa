package io.foldopt.linalg;

import java.util.Objects;

/**
 * Cholesky factorization {@code A + shift I = L L^T} of a symmetric {@code n x n} row-major matrix, with a
 * diagonal shift and a pivot threshold: the factorization fails (the matrix is not declared positive definite)
 * as soon as a pivot {@code d_j = a_jj + shift - sum_{k<j} l_jk^2} (the square of {@code l_jj}) is not above
 * {@code minPivot} or an entry is not finite.
 *
 * <p>Used as a test of (semi)definiteness ({@code shift > 0} tests {@code A >= -shift I} up to rounding), for the
 * convexification of a Hessian by the smallest shift that makes it definite (Nocedal and Wright, Algorithm 3.3),
 * and to solve {@code (A + shift I) x = b}. Only the lower triangle of {@code A} is read. The factorization is
 * row-oriented: {@code l_ij = (a_ij - l_i[0..j) . l_j[0..j)) / l_jj}, four entries of a row per pass over it,
 * about {@code n^3 / 6} multiply-adds.
 */
public final class Cholesky {
    private final double[] l;
    private final int n;
    private final boolean positiveDefinite;
    /** The index of the pivot that failed the threshold, or -1. */
    private final int failedPivot;

    private Cholesky(double[] l, int n, boolean positiveDefinite, int failedPivot) {
        this.l = l;
        this.n = n;
        this.positiveDefinite = positiveDefinite;
        this.failedPivot = failedPivot;
    }

    /** @return the factorization of {@code A} itself (no shift, pivots must be positive) */
    public static Cholesky factor(double[] a, int n) {
        return factor(a, n, 0.0, 0.0);
    }

    /**
     * Factors {@code A + shift I = L L^T}, stopping at the first pivot that is not above {@code minPivot}.
     *
     * @param a the symmetric matrix, {@code n x n} row-major (lower triangle read); not modified
     * @param n the order, at least 0
     * @param shift the diagonal shift (any finite value)
     * @param minPivot the pivot threshold, at least 0
     * @return the factorization; {@link #isPositiveDefinite()} tells whether it succeeded
     */
    public static Cholesky factor(double[] a, int n, double shift, double minPivot) {
        Objects.requireNonNull(a, "a");
        if (n < 0 || a.length != (long) n * n) {
            throw new IllegalArgumentException("expected an " + n + " x " + n + " matrix, got length " + a.length);
        }
        if (!Double.isFinite(shift) || !(minPivot >= 0) || minPivot == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("shift must be finite and minPivot finite and >= 0, got " + shift
                    + " and " + minPivot);
        }
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            int j = 0;
            for (; j + 3 < i; j += 4) {
                rowBlock(a, l, n, ri, j);
            }
            for (; j < i; j++) {
                l[ri + j] = (a[ri + j] - Vec.dot(l, ri, l, j * n, j)) / l[j * n + j];
            }
            double d = a[ri + i] + shift - Vec.dot(l, ri, l, ri, i);
            if (!(d > minPivot) || d == Double.POSITIVE_INFINITY) {
                return new Cholesky(l, n, false, d > minPivot ? -1 : i);
            }
            l[ri + i] = Math.sqrt(d);
        }
        return new Cholesky(l, n, Vec.allFinite(l), -1);
    }

    /**
     * Entries {@code l_ij .. l_i,j+3} of row {@code i} (at {@code ri}): the four dot products with rows
     * {@code j .. j+3} over the first {@code j} columns in one pass over row {@code i}, then the terms of columns
     * {@code j .. j+2} in order.
     */
    private static void rowBlock(double[] a, double[] l, int n, int ri, int j) {
        int r0 = j * n;
        int r1 = r0 + n;
        int r2 = r1 + n;
        int r3 = r2 + n;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int k = 0; k < j; k++) {
            double lik = l[ri + k];
            s0 += lik * l[r0 + k];
            s1 += lik * l[r1 + k];
            s2 += lik * l[r2 + k];
            s3 += lik * l[r3 + k];
        }
        double v0 = (a[ri + j] - s0) / l[r0 + j];
        l[ri + j] = v0;
        double v1 = (a[ri + j + 1] - (s1 + v0 * l[r1 + j])) / l[r1 + j + 1];
        l[ri + j + 1] = v1;
        double v2 = (a[ri + j + 2] - (s2 + v0 * l[r2 + j] + v1 * l[r2 + j + 1])) / l[r2 + j + 2];
        l[ri + j + 2] = v2;
        l[ri + j + 3] = (a[ri + j + 3] - (s3 + v0 * l[r3 + j] + v1 * l[r3 + j + 1] + v2 * l[r3 + j + 2]))
                / l[r3 + j + 3];
    }

    /** @return the order n */
    public int size() {
        return n;
    }

    /** @return whether every pivot was above the threshold and the factor is finite */
    public boolean isPositiveDefinite() {
        return positiveDefinite;
    }

    /**
     * After a factorization that stopped at the pivot {@code j} (not above the threshold), the direction
     * {@code d = (-B^{-1} a, 1, 0, ..., 0)}, where {@code B} is the leading {@code j x j} block of
     * {@code A + shift I} and {@code a} the first {@code j} entries of its column {@code j}: then
     * {@code d^T (A + shift I) d = d_j <= minPivot}, a direction of curvature at most {@code minPivot - shift} of
     * {@code A} (per unit {@code ||d||^2} at most that, since {@code ||d|| >= 1}).
     *
     * @return {@code d}, length n
     * @throws IllegalStateException if no pivot failed the threshold
     */
    public double[] lowCurvatureDirection() {
        if (failedPivot < 0) {
            throw new IllegalStateException("no Cholesky pivot failed the threshold: no direction of low curvature");
        }
        int j = failedPivot;
        // Row j of L holds y = L_B^{-1} a; B^{-1} a solves L_B^T w = y.
        double[] d = new double[n];
        System.arraycopy(l, j * n, d, 0, j);
        for (int k = j - 1; k >= 0; k--) {
            d[k] /= l[k * n + k];
            Vec.axpy(-d[k], l, k * n, d, 0, k);
        }
        for (int k = 0; k < j; k++) {
            d[k] = -d[k];
        }
        d[j] = 1;
        return d;
    }

    /**
     * @return Hager's estimate ({@link ConditionEstimate}) of {@code ||(A + shift I)^{-1}||_1} from a few solves,
     *     {@code O(n^2)} work: times {@code ||A + shift I||_1}, the estimate of the condition number
     * @throws IllegalStateException if the factorization failed
     */
    public double inverseOneNormEstimate() {
        return ConditionEstimate.inverseOneNorm(n, this::solveInPlace, this::solveInPlace);
    }

    /**
     * @param b the right-hand side, length n; not modified
     * @return x with {@code (A + shift I) x = b}
     * @throws IllegalStateException if the factorization failed
     */
    public double[] solve(double[] b) {
        double[] x = b.clone();
        solveInPlace(x);
        return x;
    }

    /**
     * Overwrites b with x such that {@code L L^T x = b}: {@link #solveLowerInPlace(double[])}, then
     * {@link #solveUpperInPlace(double[])}.
     *
     * @throws IllegalStateException if the factorization failed
     */
    public void solveInPlace(double[] b) {
        solveLowerInPlace(b);
        solveUpperInPlace(b);
    }

    /**
     * Overwrites b with {@code y = L^{-1} b}: forward substitution by row dot products.
     *
     * @throws IllegalStateException if the factorization failed
     */
    public void solveLowerInPlace(double[] b) {
        checkSolvable(b.length);
        for (int i = 0; i < n; i++) {
            b[i] = (b[i] - Vec.dot(l, i * n, b, 0, i)) / l[i * n + i];
        }
    }

    /**
     * Overwrites b with {@code x = L^{-T} b}: backward substitution by column sweeps over the rows of {@code L}.
     *
     * @throws IllegalStateException if the factorization failed
     */
    public void solveUpperInPlace(double[] b) {
        checkSolvable(b.length);
        for (int k = n - 1; k >= 0; k--) {
            b[k] /= l[k * n + k];
            Vec.axpy(-b[k], l, k * n, b, 0, k);
        }
    }

    /**
     * Overwrites the rows {@code b_0 .. b_{n-1}} of a matrix {@code B (n x c)} (each an array of length {@code c})
     * with those of {@code L^{-1} B}: {@code b_i <- (b_i - sum_{k<i} l_ik b_k) / l_ii}, row updates over all
     * {@code c} columns at once (about {@code n^2 c / 2} multiply-adds).
     *
     * @throws IllegalStateException if the factorization failed
     */
    public void solveLowerInPlace(double[][] rows) {
        checkSolvable(rows.length);
        for (int i = 0; i < n; i++) {
            double[] bi = rows[i];
            int c = bi.length;
            for (int k = 0; k < i; k++) {
                double lik = l[i * n + k];
                if (lik != 0.0) {
                    Vec.axpy(-lik, rows[k], 0, bi, 0, c);
                }
            }
            double lii = l[i * n + i];
            for (int j = 0; j < c; j++) {
                bi[j] /= lii;
            }
        }
    }

    private void checkSolvable(int length) {
        if (!positiveDefinite) {
            throw new IllegalStateException("the Cholesky factorization failed (a pivot was not above the threshold):"
                    + " cannot solve");
        }
        if (length != n) {
            throw new IllegalArgumentException("right-hand side has length " + length + ", expected " + n);
        }
    }
}
