package io.foldopt.qp;

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

    /**
     * @return {@code sum_i x[xo+i] y[yo+i]} over {@code i < len}, in four interleaved partial sums (the JIT
     *     does not vectorize a floating-point reduction; independent sums at least pipeline)
     */
    static double dot(double[] x, int xo, double[] y, int yo, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += x[xo + i] * y[yo + i];
            s1 += x[xo + i + 1] * y[yo + i + 1];
            s2 += x[xo + i + 2] * y[yo + i + 2];
            s3 += x[xo + i + 3] * y[yo + i + 3];
        }
        for (; i < len; i++) {
            s0 += x[xo + i] * y[yo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** @return {@code x^T y} over the full arrays (of equal length) */
    static double dot(double[] x, double[] y) {
        return dot(x, 0, y, 0, x.length);
    }

    /** {@code y[yo+i] += alpha x[xo+i]} for {@code i < len}; skipped when {@code alpha == 0}. */
    static void axpy(double alpha, double[] x, int xo, double[] y, int yo, int len) {
        if (alpha == 0) {
            return;
        }
        for (int i = 0; i < len; i++) {
            y[yo + i] += alpha * x[xo + i];
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
