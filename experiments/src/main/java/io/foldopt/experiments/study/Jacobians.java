package io.foldopt.experiments.study;

import io.foldopt.linalg.BatchedOperator;

/** Dense matrices of batched linear operators, for the studies' checks on small instances. */
final class Jacobians {
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
}
