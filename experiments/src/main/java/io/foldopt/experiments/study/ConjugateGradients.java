package io.foldopt.experiments.study;

import io.foldopt.linalg.BatchSolution;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.InstanceStats;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import java.util.Arrays;

/**
 * Conjugate gradients on a batch of systems {@code A_b v_b = g_b}, all instances in lockstep: valid only for
 * symmetric positive definite {@code A_b} (the folded backward {@code (I - Phi)^T} of a gradient step on an
 * unconstrained or locally unconstrained problem at a strict local minimum, for a step below {@code 2 / L}). An
 * instance stops when its recurrence residual meets the tolerance; a non-positive curvature {@code p^T A p <= 0}
 * stops it with {@link Status#NUMERICAL_FAILURE} ("not positive definite"). The reported residual is the true one,
 * {@code ||g - A v|| / ||g||}, evaluated after the solve.
 */
final class ConjugateGradients implements BatchedLinearSolver {
    @Override
    public String name() {
        return "CG";
    }

    @Override
    public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        int batch = a.batch();
        int n = a.dim();
        if (rhs.length != batch * n || (initialGuess != null && initialGuess.length != batch * n)) {
            throw new IllegalArgumentException("rhs and initial guess must have length batch * n = " + batch * n);
        }
        if (!Vec.allFinite(rhs) || (initialGuess != null && !Vec.allFinite(initialGuess))) {
            throw new IllegalArgumentException("rhs or initial guess has a non-finite entry");
        }
        double[] x = initialGuess == null ? new double[rhs.length] : initialGuess.clone();
        double[] r = new double[rhs.length];
        a.apply(x, r);
        for (int i = 0; i < r.length; i++) {
            r[i] = rhs[i] - r[i];
        }
        double[] p = r.clone();
        double[] ap = new double[rhs.length];
        double[] rr = new double[batch];
        double[] target = new double[batch];
        int[] iterations = new int[batch];
        Status[] status = new Status[batch];
        String[] detail = new String[batch];
        Arrays.fill(detail, "");
        boolean[] active = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            rr[b] = Vec.dot(r, b * n, r, b * n, n);
            target[b] = options.tolerance() * Vec.norm(rhs, b * n, n);
            active[b] = Math.sqrt(rr[b]) > target[b];
            status[b] = Status.OPTIMAL;
        }
        double[] masked = new double[rhs.length];
        while (anyActive(active)) {
            Arrays.fill(masked, 0.0);
            for (int b = 0; b < batch; b++) {
                if (active[b]) {
                    System.arraycopy(p, b * n, masked, b * n, n);
                }
            }
            a.apply(masked, ap);
            for (int b = 0; b < batch; b++) {
                if (!active[b]) {
                    continue;
                }
                int o = b * n;
                iterations[b]++;
                double curvature = Vec.dot(p, o, ap, o, n);
                if (!(curvature > 0)) {
                    active[b] = false;
                    status[b] = Status.NUMERICAL_FAILURE;
                    detail[b] = "not positive definite: p^T A p = " + curvature;
                    continue;
                }
                double alpha = rr[b] / curvature;
                Vec.axpy(alpha, p, o, x, o, n);
                Vec.axpy(-alpha, ap, o, r, o, n);
                double next = Vec.dot(r, o, r, o, n);
                if (Math.sqrt(next) <= target[b]) {
                    active[b] = false;
                } else if (iterations[b] >= options.maxIterations()) {
                    active[b] = false;
                    status[b] = Status.ITERATION_LIMIT;
                } else {
                    double beta = next / rr[b];
                    for (int i = o; i < o + n; i++) {
                        p[i] = r[i] + beta * p[i];
                    }
                }
                rr[b] = next;
            }
        }
        a.apply(x, r);
        InstanceStats[] stats = new InstanceStats[batch];
        for (int b = 0; b < batch; b++) {
            int o = b * n;
            double d = 0;
            for (int i = o; i < o + n; i++) {
                d += (rhs[i] - r[i]) * (rhs[i] - r[i]);
            }
            double norm = Vec.norm(rhs, o, n);
            double residual = norm == 0 ? 0 : Math.sqrt(d) / norm;
            if (status[b] == Status.OPTIMAL && !(residual <= options.tolerance())) {
                status[b] = Status.OPTIMAL_INACCURATE;
                detail[b] = "recurrence residual met the tolerance, true residual did not";
            }
            stats[b] = new InstanceStats(name(), iterations[b], residual, status[b], detail[b]);
        }
        return new BatchSolution(x, stats);
    }

    private static boolean anyActive(boolean[] active) {
        for (boolean f : active) {
            if (f) {
                return true;
            }
        }
        return false;
    }
}
