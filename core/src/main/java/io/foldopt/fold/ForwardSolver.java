package io.foldopt.fold;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;

/**
 * Any code that maps parameter values {@code c_1..c_k} (each {@code (B, p_i)}) to solutions
 * {@code x* (B, n)}: foldopt's solvers, a library's, or a black box. It runs with graph recording
 * off and is never differentiated.
 */
@FunctionalInterface
public interface ForwardSolver {
    /** @return the solutions {@code (B, n)} */
    Tensor solve(Tensor[] params);

    /** Solves one instance: the rows {@code b} of every parameter, as arrays, to {@code x*_b}. */
    @FunctionalInterface
    interface InstanceSolver {
        /** @return the solution of instance {@code b} given its parameter rows */
        double[] solve(int instance, double[][] params);
    }

    /**
     * @return a batched solver that runs {@code solver} on every instance, in parallel on all
     *     threads of {@link Parallel}; if instances fail, the exception of the first failing instance
     *     in batch order is rethrown as thrown
     */
    static ForwardSolver perInstance(InstanceSolver solver) {
        return params -> {
            int batch = params[0].dim(0);
            double[][] rows = new double[batch][];
            RuntimeException[] failures = new RuntimeException[batch];
            Parallel.forEach(batch, Long.MAX_VALUE / (batch + 1L), b -> {
                double[][] p = new double[params.length][];
                for (int i = 0; i < params.length; i++) {
                    p[i] = params[i].row(b);
                }
                try {
                    rows[b] = solver.solve(b, p);
                } catch (RuntimeException e) {
                    failures[b] = e;
                }
            });
            for (RuntimeException e : failures) {
                if (e != null) {
                    throw e;
                }
            }
            int n = rows.length == 0 ? 0 : rows[0].length;
            double[] out = new double[batch * n];
            for (int b = 0; b < batch; b++) {
                if (rows[b] == null || rows[b].length != n) {
                    throw new IllegalStateException("forward solver returned " + (rows[b] == null ? "null"
                            : rows[b].length + " values") + " for instance " + b + ", expected " + n);
                }
                System.arraycopy(rows[b], 0, out, b * n, n);
            }
            return Tensor.wrap(out, batch, n);
        };
    }
}
