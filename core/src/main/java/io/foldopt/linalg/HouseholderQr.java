package io.foldopt.linalg;

import java.util.Arrays;
import java.util.Objects;

/**
 * Householder QR factorization {@code M = Q [R; 0]} of a dense {@code rows x cols} row-major matrix with
 * {@code rows >= cols}: {@code Q = H_0 H_1 ... H_{cols-1}} orthogonal ({@code rows x rows}), {@code R}
 * upper triangular ({@code cols x cols}). The first {@code cols} columns of {@code Q} span the range of
 * {@code M} when it has full column rank, the others its orthogonal complement (the null space of
 * {@code M^T}).
 *
 * <p>Each reflector {@code H_k = I - 2 v v^T / v^T v} maps column {@code k} below the diagonal to
 * {@code -sign(m_kk) ||m_k||} (the sign that avoids cancellation); a zero column gets no reflector.
 */
public final class HouseholderQr {
    private final int rows;
    private final int cols;
    /** The reduced matrix: {@code R} on and above the diagonal of its first {@code cols} rows. */
    private final double[] reduced;
    /** The reflector vectors {@code v_k} (length {@code rows - k}), null for a zero column. */
    private final double[][] reflectors;

    private HouseholderQr(int rows, int cols, double[] reduced, double[][] reflectors) {
        this.rows = rows;
        this.cols = cols;
        this.reduced = reduced;
        this.reflectors = reflectors;
    }

    /**
     * Factors {@code M}.
     *
     * @param m the matrix, {@code rows x cols} row-major; copied, not modified
     * @throws IllegalArgumentException if the shape is wrong, {@code rows < cols} or an entry is not finite
     */
    public static HouseholderQr factor(double[] m, int rows, int cols) {
        Objects.requireNonNull(m, "m");
        if (cols < 0 || rows < cols || m.length != (long) rows * cols) {
            throw new IllegalArgumentException("expected a " + rows + " x " + cols + " matrix with rows >= cols >= 0,"
                    + " got length " + m.length);
        }
        if (!Vec.allFinite(m)) {
            throw new IllegalArgumentException("the matrix has a non-finite entry");
        }
        double[] a = m.clone();
        double[][] reflectors = new double[cols][];
        double[] v = new double[rows];
        for (int k = 0; k < cols; k++) {
            int len = rows - k;
            for (int i = k; i < rows; i++) {
                v[i - k] = a[i * cols + k];
            }
            double norm = Vec.norm(v, 0, len);
            v[0] -= a[k * cols + k] > 0 ? -norm : norm;
            double vv = Vec.dot(v, 0, v, 0, len);
            if (vv > 0) {
                reflectors[k] = Arrays.copyOf(v, len);
                reflect(reflectors[k], k, a, cols, k, cols);
            }
        }
        return new HouseholderQr(rows, cols, a, reflectors);
    }

    /**
     * Applies {@code H = I - 2 v v^T / v^T v}, acting on rows {@code k..} of the row-major {@code a} (with
     * {@code stride} columns), to its columns {@code from..to-1}.
     */
    private static void reflect(double[] v, int k, double[] a, int stride, int from, int to) {
        int len = v.length;
        double scale = 2 / Vec.dot(v, 0, v, 0, len);
        for (int j = from; j < to; j++) {
            double s = 0;
            for (int i = 0; i < len; i++) {
                s += v[i] * a[(k + i) * stride + j];
            }
            s *= scale;
            for (int i = 0; i < len; i++) {
                a[(k + i) * stride + j] -= s * v[i];
            }
        }
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** @return the number of columns */
    public int cols() {
        return cols;
    }

    /** @return {@code R (cols x cols)}, upper triangular, row-major (a new array) */
    public double[] r() {
        double[] r = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            System.arraycopy(reduced, i * cols + i, r, i * cols + i, cols - i);
        }
        return r;
    }

    /**
     * @return {@code min_k |R_kk| / max_k |R_kk|}: 0 for a rank-deficient {@code M}, about {@code 1 / cond(M)}
     *     otherwise; 1 if {@code cols = 0}
     */
    public double diagonalRatio() {
        if (cols == 0) {
            return 1.0;
        }
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int k = 0; k < cols; k++) {
            double d = Math.abs(reduced[k * cols + k]);
            max = Math.max(max, d);
            min = Math.min(min, d);
        }
        return max == 0 ? 0 : min / max;
    }

    /** @return the full orthogonal factor {@code Q (rows x rows)}, row-major: the reflectors applied to {@code I} */
    public double[] q() {
        double[] q = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            q[i * rows + i] = 1.0;
        }
        for (int k = cols - 1; k >= 0; k--) {
            if (reflectors[k] != null) {
                reflect(reflectors[k], k, q, rows, 0, rows);
            }
        }
        return q;
    }
}
