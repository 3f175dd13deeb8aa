package io.foldopt.problems;

import io.foldopt.linalg.Vec;

/**
 * The Cholesky factorization {@code A + shift I = L L^T} of a symmetric {@code r x r} matrix (row-major), which
 * either succeeds with every pivot above a threshold or stops at the first pivot {@code j} that is not and then
 * yields a direction of curvature below it: {@code d = (-A_11^{-1} a, 1, 0, ...)}, with {@code A_11} the leading
 * {@code j x j} block of {@code A + shift I} and {@code a} the first {@code j} entries of its column {@code j},
 * has {@code d^T (A + shift I) d} equal to that pivot.
 */
final class ShiftedCholesky {
    private final double[] l;
    private final int r;
    private final double[] a;
    private final double shift;
    private final int failedPivot;
    private final double pivotValue;

    private ShiftedCholesky(double[] a, int r, double shift, double minPivot) {
        this.a = a;
        this.r = r;
        this.shift = shift;
        this.l = new double[r * r];
        int failed = -1;
        double value = Double.NaN;
        outer:
        for (int i = 0; i < r; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * r + j] - Vec.dot(l, i * r, l, j * r, j);
                if (i == j) {
                    s += shift;
                    if (!(s > minPivot)) {
                        failed = i;
                        value = s;
                        break outer;
                    }
                    l[i * r + i] = Math.sqrt(s);
                } else {
                    l[i * r + j] = s / l[j * r + j];
                }
            }
        }
        this.failedPivot = failed;
        this.pivotValue = value;
    }

    /**
     * @param a the symmetric matrix {@code (r x r)}, row-major; only its lower triangle is read, and it is kept
     *     (not copied) for {@link #negativeDirection()}
     * @param shift added to the diagonal
     * @param minPivot the smallest accepted pivot
     * @return the (possibly failed) factorization of {@code A + shift I}
     */
    static ShiftedCholesky factor(double[] a, int r, double shift, double minPivot) {
        return new ShiftedCholesky(a, r, shift, minPivot);
    }

    /** @return whether every pivot exceeded the threshold */
    boolean succeeded() {
        return failedPivot < 0;
    }

    /**
     * @return a direction {@code d} of length {@code r} with {@code d^T (A + shift I) d} equal to the failed
     *     pivot, so at most the threshold
     * @throws IllegalStateException if the factorization succeeded
     */
    double[] negativeDirection() {
        if (succeeded()) {
            throw new IllegalStateException("the factorization succeeded: no direction of low curvature");
        }
        int j = failedPivot;
        // Row j of L holds y = L_11^{-1} a for the j entries computed before the pivot failed.
        double[] d = new double[r];
        for (int i = j - 1; i >= 0; i--) {
            double s = l[j * r + i];
            for (int k = i + 1; k < j; k++) {
                s -= l[k * r + i] * d[k];
            }
            d[i] = s / l[i * r + i];
        }
        for (int i = 0; i < j; i++) {
            d[i] = -d[i];
        }
        d[j] = 1;
        return d;
    }

    /** @return the first pivot at or below the threshold (NaN if the factorization succeeded) */
    double failedPivotValue() {
        return pivotValue;
    }

    /**
     * Solves {@code (A + shift I) x = b} in place.
     *
     * @throws IllegalStateException if the factorization failed
     */
    void solveInPlace(double[] b) {
        if (!succeeded()) {
            throw new IllegalStateException("the factorization failed at pivot " + failedPivot);
        }
        for (int i = 0; i < r; i++) {
            b[i] = (b[i] - Vec.dot(l, i * r, b, 0, i)) / l[i * r + i];
        }
        for (int i = r - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < r; k++) {
                s -= l[k * r + i] * b[k];
            }
            b[i] = s / l[i * r + i];
        }
    }

    /** @return the shift of the factored matrix */
    double shift() {
        return shift;
    }

    /** @return the factored matrix {@code A} (without the shift) */
    double[] matrix() {
        return a;
    }
}
