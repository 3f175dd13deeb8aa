package io.foldopt.fold;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

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

    /**
     * Iterates the update to its fixed point from {@code x_0 = 0} shaped like the first parameter: the forward solver
     * of a map whose state has the shape of {@code c_1} (use {@link #iterating(UpdateMap, Function, double, int)}
     * for another start or state shape).
     *
     * @see #iterating(UpdateMap, Function, double, int)
     */
    static ForwardSolver iterating(UpdateMap update, double tolerance, int maxIterations) {
        return iterating(update, params -> Tensor.zeros(params[0].shape()), tolerance, maxIterations);
    }

    /**
     * Iterates {@code x_{k+1} = U(x_k, c)} on the whole batch, with graph recording off, until every instance has
     * {@code ||x_{k+1} - x_k|| / max(1, ||x_k||) <= tolerance}, and returns {@code x_{k+1}}.
     *
     * @param update the update map {@code U}
     * @param start the initial iterates {@code x_0 (B, n)} for the parameter values
     * @param tolerance relative step tolerance, in (0, 1)
     * @param maxIterations iteration budget, at least 1
     * @return the forward solver; it throws {@link ForwardSolveException} with {@link Status#ITERATION_LIMIT} when
     *     an instance is not within the tolerance after {@code maxIterations} steps, and with
     *     {@link Status#NUMERICAL_FAILURE} when an iterate is not finite, naming the first such instance
     */
    static ForwardSolver iterating(UpdateMap update, Function<Tensor[], Tensor> start, double tolerance,
            int maxIterations) {
        SolverOptions.checkTolerance("tolerance", tolerance);
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        return params -> GradMode.noGrad(() -> {
            Var[] c = new Var[params.length];
            for (int i = 0; i < params.length; i++) {
                c[i] = Var.constant(params[i]);
            }
            Tensor x = start.apply(params);
            double[] steps = new double[x.dim(0)];
            for (int k = 1; k <= maxIterations; k++) {
                Tensor next = update.apply(Var.constant(x), c).value();
                int bad = next.firstNonFinite();
                if (bad >= 0) {
                    int instance = bad / Math.max(1, next.size() / next.dim(0));
                    throw new ForwardSolveException("fixed-point iteration produced a non-finite value in instance "
                            + instance + " at iteration " + k, Status.NUMERICAL_FAILURE, instance);
                }
                steps = FoldedLayer.fixedPointResiduals(next, x);
                x = next;
                if (Arrays.stream(steps).allMatch(r -> r <= tolerance)) {
                    return x;
                }
            }
            for (int b = 0; b < steps.length; b++) {
                if (!(steps[b] <= tolerance)) {
                    throw new ForwardSolveException(String.format("fixed-point iteration did not converge in instance"
                            + " %d: relative step %.3g > tolerance %.3g after %d iterations", b, steps[b], tolerance,
                            maxIterations), Status.ITERATION_LIMIT, b);
                }
            }
            return x;
        });
    }
}
