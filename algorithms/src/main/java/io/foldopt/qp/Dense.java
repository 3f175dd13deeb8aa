package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import java.util.Arrays;

/**
 * Small dense kernels on row-major {@code rows x cols} matrices stored in flat arrays, shared by the QP
 * solvers and the KKT differentiation.
 */
final class Dense {
    private Dense() {}

    /** {@code out = M x} for {@code M (rows x cols)}. */
    static void multiply(double[] m, int rows, int cols, double[] x, double[] out) {
        for (int i = 0; i < rows; i++) {
            out[i] = dot(m, i * cols, x, 0, cols);
        }
    }

    /** {@code out = M^T y} for {@code M (rows x cols)}. */
    static void multiplyTranspose(double[] m, int rows, int cols, double[] y, double[] out) {
        Arrays.fill(out, 0, cols, 0.0);
        for (int i = 0; i < rows; i++) {
            axpy(y[i], m, i * cols, out, 0, cols);
        }
    }

    /** @return the transpose {@code (cols x rows)} of {@code M (rows x cols)}, row-major */
    static double[] transpose(double[] mat, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = mat[i * cols + j];
            }
        }
        return t;
    }

    /** @return {@code sum_i x[xo+i] y[yo+i]} over {@code i < len} ({@link Vec#dot}) */
    static double dot(double[] x, int xo, double[] y, int yo, int len) {
        return Vec.dot(x, xo, y, yo, len);
    }

    /** @return {@code x^T y} over the full arrays (of equal length) */
    static double dot(double[] x, double[] y) {
        return dot(x, 0, y, 0, x.length);
    }

    /** {@code y[yo+i] += alpha x[xo+i]} for {@code i < len} ({@link Vec#axpy}); skipped when {@code alpha == 0}. */
    static void axpy(double alpha, double[] x, int xo, double[] y, int yo, int len) {
        if (alpha != 0) {
            Vec.axpy(alpha, x, xo, y, yo, len);
        }
    }

    /** @return {@code max_i |x_i|} (0 for an empty array) */
    static double normInf(double[] x) {
        double s = 0;
        for (double v : x) {
            s = Math.max(s, Math.abs(v));
        }
        return s;
    }

    /** @return true if every entry is finite */
    static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
