package io.foldopt.algorithms;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The conjugate-gradient solve {@code x = A^{-1} r} of a symmetric positive definite linear map {@code A}, given only
 * by its action, as a differentiable operation.
 *
 * <p>{@code A} is a recorded map of batches {@code (B, n) -> (B, n)}, row by row, that may capture differentiable
 * parameters {@code theta} (the nonzero values of a sparse matrix, a penalty). The VJP for the cotangent {@code g} is a
 * second CG solve with the same map, {@code w = A^{-1} g}, then {@code dL/dr = w} and
 * {@code dL/dtheta = -(d(A x)/dtheta)^T w} at the solution {@code x}; no matrix is ever formed. The rule is first order
 * (a second differentiation through it raises).
 */
public final class ConjugateGradient {
    private ConjugateGradient() {}

    /**
     * Solves {@code A x_b = r_b} for every row by CG from {@code guess} (zero when null) until
     * {@code ||r_b - A x_b|| <= tol ||r_b||}.
     *
     * @param a the map, symmetric positive definite on every instance
     * @param rhs the right-hand sides, {@code B x n} row-major
     * @param guess the starting point, or null for zero; not modified
     * @return the solutions, {@code B x n}
     * @throws ArithmeticException naming the instance if {@code A} is not positive definite along a search direction,
     *     an iterate is not finite, or the tolerance is not met in {@code maxIterations} steps
     */
    public static double[] solve(BatchedOperator a, double[] rhs, double[] guess, double tol, int maxIterations) {
        int batch = a.batch();
        int n = a.dim();
        double[] x = guess == null ? new double[rhs.length] : guess.clone();
        double[] r = new double[rhs.length];
        double[] p = new double[rhs.length];
        double[] ap = new double[rhs.length];
        a.apply(x, ap);
        double[] rr = new double[batch];
        double[] target = new double[batch];
        boolean[] done = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            int o = b * n;
            for (int j = o; j < o + n; j++) {
                r[j] = rhs[j] - ap[j];
                p[j] = r[j];
            }
            rr[b] = Vec.dot(r, o, r, o, n);
            target[b] = tol * Math.sqrt(Vec.dot(rhs, o, rhs, o, n));
            done[b] = Math.sqrt(rr[b]) <= target[b];
            if (done[b]) {
                Arrays.fill(p, o, o + n, 0.0);
            }
        }
        for (int k = 0; k < maxIterations; k++) {
            if (allTrue(done)) {
                return x;
            }
            a.apply(p, ap);
            for (int b = 0; b < batch; b++) {
                if (done[b]) {
                    continue;
                }
                int o = b * n;
                double curvature = Vec.dot(p, o, ap, o, n);
                if (!(curvature > 0)) {
                    throw new ArithmeticException("conjugate gradient on instance " + b + ": the map is not positive"
                            + " definite (p^T A p = " + curvature + " at iteration " + k + ")");
                }
                double alpha = rr[b] / curvature;
                double next = 0;
                for (int j = o; j < o + n; j++) {
                    x[j] += alpha * p[j];
                    r[j] -= alpha * ap[j];
                    next += r[j] * r[j];
                }
                if (!Double.isFinite(next)) {
                    throw new ArithmeticException("conjugate gradient diverged on instance " + b
                            + ": non-finite residual at iteration " + k);
                }
                double beta = next / rr[b];
                rr[b] = next;
                done[b] = Math.sqrt(next) <= target[b];
                for (int j = o; j < o + n; j++) {
                    p[j] = done[b] ? 0.0 : r[j] + beta * p[j];
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            if (!done[b]) {
                throw new ArithmeticException("conjugate gradient did not converge on instance " + b
                        + ": relative residual " + Math.sqrt(rr[b]) / Math.max(target[b] / tol, Double.MIN_VALUE)
                        + " after " + maxIterations + " iterations (tolerance " + tol + ")");
            }
        }
        return x;
    }

    /**
     * @param a the map {@code A}, symmetric positive definite, recorded (may capture differentiable parameters)
     * @param r the right-hand sides {@code (B, n)}
     * @param tol relative residual of the solve (and of the solves of the VJP)
     * @param maxIterations iteration limit of each solve
     * @return {@code x = A^{-1} r (B, n)}, differentiable in {@code r} and in the parameters {@code A} captures
     * @throws ArithmeticException as {@link #solve(BatchedOperator, double[], double[], double, int)}
     */
    public static Var solve(UnaryOperator<Var> a, Var r, double tol, int maxIterations) {
        if (r.rank() != 2) {
            throw new IllegalArgumentException("conjugate gradient: right-hand sides must be (B, n), got shape "
                    + Arrays.toString(r.shape()));
        }
        int batch = r.dim(0);
        int n = r.dim(1);
        BatchedOperator raw = BatchedOperator.of(batch, n, (in, out) -> {
            Tensor y = GradMode.noGrad(() -> a.apply(Var.constant(Tensor.wrap(in, batch, n)))).value();
            if (!Arrays.equals(y.shape(), new int[] {batch, n})) {
                throw new IllegalArgumentException("conjugate gradient: the map must return (" + batch + ", " + n
                        + "), got " + Arrays.toString(y.shape()));
            }
            System.arraycopy(y.data(), 0, out, 0, out.length);
        });
        Tensor x = Tensor.wrap(solve(raw, r.value().data(), null, tol, maxIterations), batch, n);
        if (!GradMode.isEnabled()) {
            return Var.constant(x);
        }
        Var probe = Var.param(x);
        Var ax = GradMode.withGrad(() -> a.apply(probe));
        Var[] params = Autodiff.capturedInputs(ax, probe);
        Var[] inputs = new Var[params.length + 1];
        inputs[0] = r;
        System.arraycopy(params, 0, inputs, 1, params.length);
        Var solution = Var.constant(x);
        return Operation.recordFirstOrder("conjugate gradient", new Tensor[] {x}, inputs, (g, needsGrad) -> {
            Tensor w = solve(a, Var.constant(g[0]), tol, maxIterations).value();
            Tensor[] grads = new Tensor[inputs.length];
            grads[0] = w;
            boolean any = false;
            for (int i = 1; i < inputs.length; i++) {
                any |= needsGrad[i];
            }
            if (any) {
                Tensor[] pg = GradMode.withGrad(() -> Autodiff.vjp(new Var[] {a.apply(solution)}, params,
                        new Tensor[] {w.map(v -> -v)}));
                System.arraycopy(pg, 0, grads, 1, params.length);
            }
            return grads;
        })[0];
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }
}
