package io.foldopt.qp;

import io.foldopt.linalg.Vec;
import java.util.Arrays;

/**
 * Matrix-vector products and transposes of row-major {@code rows x cols} matrices stored in flat arrays, shared
 * by the QP solvers and the KKT differentiation (vector kernels are in {@link Vec}).
 */
final class Dense {
    private Dense() {}

    /** {@code out = M x} for {@code M (rows x cols)}. */
    static void multiply(double[] m, int rows, int cols, double[] x, double[] out) {
        for (int i = 0; i < rows; i++) {
            out[i] = Vec.dot(m, i * cols, x, 0, cols);
        }
    }

    /** {@code out = M^T y} for {@code M (rows x cols)}. */
    static void multiplyTranspose(double[] m, int rows, int cols, double[] y, double[] out) {
        Arrays.fill(out, 0, cols, 0.0);
        for (int i = 0; i < rows; i++) {
            if (y[i] != 0) {
                Vec.axpy(y[i], m, i * cols, out, 0, cols);
            }
        }
    }

    /** @return {@code ||M||_inf}, the largest row sum of {@code |m_ij|}, of {@code M (rows x cols)} */
    static double normInf(double[] m, int rows, int cols) {
        double norm = 0;
        for (int i = 0; i < rows; i++) {
            double row = 0;
            for (int j = 0; j < cols; j++) {
                row += Math.abs(m[i * cols + j]);
            }
            norm = Math.max(norm, row);
        }
        return norm;
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
}
