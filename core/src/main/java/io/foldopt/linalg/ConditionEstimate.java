package io.foldopt.linalg;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Hager's estimator of {@code ||A^{-1}||_1} from solves with a factored {@code A} (as LAPACK's {@code xGECON},
 * with Higham's extra test vector): a few solves with {@code A} and {@code A^T}, {@code O(n^2)} work for dense
 * factors. The estimate is a lower bound that is almost always within a factor 3 of the true value.
 */
public final class ConditionEstimate {
    /** Iterations of the estimator at most. */
    private static final int ITERATIONS = 5;

    private ConditionEstimate() {}

    /**
     * @param n the order of {@code A}
     * @param solve overwrites its argument {@code b} with {@code A^{-1} b}
     * @param solveTranspose overwrites its argument {@code b} with {@code A^{-T} b}
     * @return the estimate of {@code ||A^{-1}||_1}; 0 for {@code n = 0}
     */
    public static double inverseOneNorm(int n, Consumer<double[]> solve, Consumer<double[]> solveTranspose) {
        if (n == 0) {
            return 0.0;
        }
        double[] x = new double[n];
        Arrays.fill(x, 1.0 / n);
        double estimate = 0;
        int previous = -1;
        for (int it = 0; it < ITERATIONS; it++) {
            solve.accept(x);
            double norm = 0;
            for (double v : x) {
                norm += Math.abs(v);
            }
            if (it > 0 && norm <= estimate) {
                break;
            }
            estimate = norm;
            for (int i = 0; i < n; i++) {
                x[i] = x[i] >= 0 ? 1.0 : -1.0;
            }
            solveTranspose.accept(x);
            int j = 0;
            for (int i = 1; i < n; i++) {
                if (Math.abs(x[i]) > Math.abs(x[j])) {
                    j = i;
                }
            }
            if (j == previous) {
                break;
            }
            previous = j;
            Arrays.fill(x, 0.0);
            x[j] = 1.0;
        }
        // Higham's test vector x_i = (-1)^i (1 + i / (n - 1)) guards against the rare underestimates.
        for (int i = 0; i < n; i++) {
            x[i] = (i % 2 == 0 ? 1 : -1) * (1 + (n == 1 ? 0.0 : (double) i / (n - 1)));
        }
        solve.accept(x);
        double alternative = 0;
        for (double v : x) {
            alternative += Math.abs(v);
        }
        return Math.max(estimate, 2 * alternative / (3 * n));
    }
}
