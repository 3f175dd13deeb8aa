package io.foldopt.experiments.study;

import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.Vec;
import java.util.Optional;
import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.store.RawStore;

/** Dense matrices of batched linear operators, for the studies' checks on small instances. */
final class Jacobians {
    /** Matrices whose largest entry is at most this are treated as zero. */
    private static final double NEGLIGIBLE = 1e-200;

    private Jacobians() {}

    /**
     * @return the matrices {@code A_b} of every instance, {@code batch} consecutive row-major {@code n x n} blocks,
     *     from {@code n} applications of {@code a} to the unit vectors
     */
    static double[] materialize(BatchedOperator a) {
        int batch = a.batch();
        int n = a.dim();
        double[] m = new double[batch * n * n];
        double[] x = new double[batch * n];
        double[] y = new double[batch * n];
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < batch; b++) {
                x[b * n + j] = 1;
            }
            a.apply(x, y);
            for (int b = 0; b < batch; b++) {
                x[b * n + j] = 0;
                for (int i = 0; i < n; i++) {
                    m[b * n * n + i * n + j] = y[b * n + i];
                }
            }
        }
        return m;
    }

    /** @return the largest {@code max_ij |A_ij - A_ji| / max(max_ij |A_ij|, 1e-300)} over the instances */
    static double asymmetry(double[] matrices, int n) {
        double worst = 0;
        for (int o = 0; o < matrices.length; o += n * n) {
            double diff = 0;
            double scale = 1e-300;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    scale = Math.max(scale, Math.abs(matrices[o + i * n + j]));
                    diff = Math.max(diff, Math.abs(matrices[o + i * n + j] - matrices[o + j * n + i]));
                }
            }
            worst = Math.max(worst, diff / scale);
        }
        return worst;
    }

    /**
     * @param matrices consecutive row-major {@code n x n} blocks
     * @param b the instance
     * @return the eigenvalues of block {@code b} (a general real matrix, by ojAlgo's eigenvalue decomposition; zero for
     *     a block whose entries are all below {@code 1e-200}): {@code {real parts, imaginary parts}}
     */
    static double[][] eigenvalues(double[] matrices, int b, int n) {
        double[][] rows = new double[n][n];
        double largest = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(matrices, b * n * n + i * n, rows[i], 0, n);
            largest = Math.max(largest, Vec.normInf(rows[i]));
        }
        if (!(largest > NEGLIGIBLE)) {
            // ojAlgo's Hessenberg QR does not terminate on the zero matrix; its eigenvalues are zero.
            return new double[2][n];
        }
        RawStore m = RawStore.wrap(rows);
        Eigenvalue<Double> evd = Eigenvalue.R064.make(m, false);
        if (!evd.decompose(m)) {
            throw new ArithmeticException("eigenvalue decomposition failed for instance " + b);
        }
        double[] re = new double[n];
        double[] im = new double[n];
        evd.getEigenvalues(re, Optional.of(im));
        return new double[][] {re, im};
    }

    /** @return {@code max_i |1 - omega + omega lambda_i|}: the spectral radius of {@code (1 - omega) I + omega M} */
    static double relaxedRadius(double[][] eigenvalues, double omega) {
        double rho = 0;
        for (int i = 0; i < eigenvalues[0].length; i++) {
            rho = Math.max(rho, Math.hypot(1 - omega + omega * eigenvalues[0][i], omega * eigenvalues[1][i]));
        }
        return rho;
    }

    /** @return the operator {@code x -> omega A x} */
    static BatchedOperator scaled(BatchedOperator a, double omega) {
        return BatchedOperator.of(a.batch(), a.dim(), (x, y) -> {
            a.apply(x, y);
            for (int i = 0; i < y.length; i++) {
                y[i] *= omega;
            }
        });
    }
}
