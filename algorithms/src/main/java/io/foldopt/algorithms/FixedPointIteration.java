package io.foldopt.algorithms;

import io.foldopt.fold.ForwardSolver;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * The forward machinery shared by the algorithms: one fixed-point loop (plain or FISTA-accelerated
 * with adaptive restart) on plain arrays, and parameter checks.
 */
public final class FixedPointIteration {
    private FixedPointIteration() {}

    /** One plain step {@code to = T(from)} of an instance's iteration, on arrays of the state length. */
    @FunctionalInterface
    public interface Step {
        /** Writes {@code T(from)} into {@code to}. */
        void apply(double[] from, double[] to);
    }

    /**
     * Iterates {@code T} from {@code start} until {@code ||T(y) - y|| <= tol * max(1, ||y||)} at the
     * point {@code y} the step was applied to, and returns {@code T(y)}.
     *
     * <p>Plain: {@code y_{k+1} = T(y_k)}. Accelerated (FISTA, Beck and Teboulle, with the gradient
     * restart of O'Donoghue and Candes): {@code z_k = T(y_k)},
     * {@code y_{k+1} = z_k + (t_k - 1)/t_{k+1} (z_k - z_{k-1})},
     * {@code t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2}, with {@code t} reset to 1 whenever
     * {@code (y_k - z_k) . (z_k - z_{k-1}) > 0}. When {@code T} is nonexpansive,
     * {@code ||T(z) - z|| <= ||z - y||}, so the returned {@code z = T(y)} meets the same bound.
     *
     * @throws ArithmeticException naming the algorithm and the instance if an iterate is not finite
     *     or the tolerance is not met in {@code maxIterations} steps
     */
    public static double[] solve(String algorithm, int instance, double[] start, Step step, boolean accelerated, double tol,
            int maxIterations) {
        int n = start.length;
        double[] prev = start.clone();
        double[] y = start.clone();
        double[] z = new double[n];
        double t = 1.0;
        double residual = Double.NaN;
        for (int k = 0; k < maxIterations; k++) {
            step.apply(y, z);
            double diff = 0;
            double norm = 0;
            double restart = 0;
            for (int i = 0; i < n; i++) {
                double d = z[i] - y[i];
                diff += d * d;
                norm += y[i] * y[i];
                restart -= d * (z[i] - prev[i]);
            }
            residual = Math.sqrt(diff) / Math.max(1.0, Math.sqrt(norm));
            if (!Double.isFinite(residual)) {
                throw new ArithmeticException(algorithm + " diverged on instance " + instance + ": non-finite iterate"
                        + " at iteration " + k);
            }
            if (residual <= tol) {
                return z;
            }
            if (!accelerated) {
                double[] swap = y;
                y = z;
                z = swap;
                continue;
            }
            if (restart > 0) {
                t = 1.0;
            }
            double tNext = 0.5 * (1 + Math.sqrt(1 + 4 * t * t));
            double beta = (t - 1) / tNext;
            for (int i = 0; i < n; i++) {
                y[i] = z[i] + beta * (z[i] - prev[i]);
                prev[i] = z[i];
            }
            t = tNext;
        }
        throw new ArithmeticException(algorithm + " did not converge on instance " + instance
                + ": fixed-point residual " + residual + " after " + maxIterations + " iterations (tolerance " + tol
                + ")");
    }

    /**
     * Checks the parameters of an algorithm: their number, that each is a finite batch
     * {@code (B, width)} with a common {@code B}, and the expected widths.
     *
     * @param names the parameters' names, in order
     * @param widths the expected last dimensions; -1 for any
     * @return the batch size {@code B}
     * @throws IllegalArgumentException naming the parameter (and instance) that is wrong
     */
    static int checkParams(String algorithm, Tensor[] params, String[] names, int[] widths) {
        if (params.length != names.length) {
            throw new IllegalArgumentException(algorithm + " expects " + names.length + " parameter(s) "
                    + Arrays.toString(names) + ", got " + params.length);
        }
        int batch = -1;
        for (int i = 0; i < params.length; i++) {
            Tensor p = params[i];
            if (p.rank() != 2 || widths[i] >= 0 && p.dim(1) != widths[i] || batch >= 0 && p.dim(0) != batch) {
                throw new IllegalArgumentException(algorithm + ": " + names[i] + " must have shape (" + (batch < 0 ? "B"
                        : batch) + ", " + (widths[i] < 0 ? "p" : widths[i]) + "), got " + Arrays.toString(p.shape()));
            }
            batch = p.dim(0);
            int bad = p.firstNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException(algorithm + ": " + names[i] + " has a non-finite value ("
                        + p.data()[bad] + ") in instance " + bad / p.dim(1) + " at index " + bad % p.dim(1));
            }
        }
        return batch;
    }

    /**
     * Checks that there is at least one parameter and that each is a finite batch {@code (B, p_i)} with a common
     * {@code B}.
     *
     * @param algorithm the name used in messages
     * @return the batch size {@code B}
     * @throws IllegalArgumentException naming the parameter (and instance) that is wrong
     */
    public static int checkParams(String algorithm, Tensor[] params) {
        if (params.length == 0) {
            throw new IllegalArgumentException(algorithm + " needs at least one parameter (B, p)");
        }
        String[] names = new String[params.length];
        int[] widths = new int[params.length];
        for (int i = 0; i < params.length; i++) {
            names[i] = "parameter " + i;
            widths[i] = -1;
        }
        return checkParams(algorithm, params, names, widths);
    }
}
