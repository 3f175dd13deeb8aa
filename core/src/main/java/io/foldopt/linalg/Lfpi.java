package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;

/**
 * Linear fixed-point iteration: Richardson's iteration on {@code A}, {@code v <- v + (g - A v)}. With
 * {@code A = (I - Phi)^T} this is exactly {@code v <- Phi^T v + g}, the linearization of the folded fixed-point map,
 * and it converges iff {@code rho(Phi) < 1}.
 *
 * <p>Every iteration costs one operator application, whose result is the true residual of the new iterate; an instance
 * stops when {@code ||g - A v|| <= tol ||g||}. It is DIVERGED when the residual is non-finite or exceeds
 * {@value #DIVERGENCE_FACTOR} times the smallest residual seen so far. A diverged or unconverged instance returns its
 * best iterate (smallest residual).
 */
public final class Lfpi implements BatchedLinearSolver {
    /** Growth of the residual over its minimum that is taken as divergence. */
    static final double DIVERGENCE_FACTOR = 1e6;

    /** Creates the solver; it has no settings of its own. */
    public Lfpi() {}

    /** @return {@code "LFPI"} */
    @Override
    public String name() {
        return "LFPI";
    }

    /** @return the name of the algorithm */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        return BatchParts.solve(a, rhs, initialGuess, options, (part, g, guess) -> solveWhole(part, g, guess, options));
    }

    private BatchSolution solveWhole(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        SolveBatch s = SolveBatch.start(a, rhs, initialGuess, options);
        int n = s.dim;
        double[] x = s.x;
        double[] r = new double[x.length];
        double[] best = x.clone();
        double[] bestNorm = new double[s.batch];
        s.initialResidual(r);
        for (int b = 0; b < s.batch; b++) {
            if (s.active[b]) {
                bestNorm[b] = Vec.norm(r, b * n, n);
                if (s.meets(b, bestNorm[b])) {
                    s.stop(b, Status.OPTIMAL, "", bestNorm[b]);
                } else if (!Double.isFinite(bestNorm[b])) {
                    s.fail(b, SolveBatch.NON_FINITE);
                }
            }
        }
        while (s.anyActive()) {
            for (int b = 0; b < s.batch; b++) {
                if (s.active[b]) {
                    Vec.axpy(1.0, r, b * n, x, b * n, n);
                }
            }
            s.residual(s.active, r);
            Parallel.forEach(s.batch, 4L * n, b -> {
                if (!s.active[b]) {
                    return;
                }
                int o = b * n;
                double norm = Vec.norm(r, o, n);
                s.iterations[b]++;
                if (s.meets(b, norm)) {
                    s.stop(b, Status.OPTIMAL, "", norm);
                } else if (!Double.isFinite(norm) || norm > DIVERGENCE_FACTOR * bestNorm[b]) {
                    System.arraycopy(best, o, x, o, n);
                    s.stop(b, Status.DIVERGED, "", bestNorm[b]);
                } else {
                    if (norm < bestNorm[b]) {
                        bestNorm[b] = norm;
                        System.arraycopy(x, o, best, o, n);
                    }
                    if (s.iterations[b] >= options.maxIterations()) {
                        System.arraycopy(best, o, x, o, n);
                        s.stop(b, Status.ITERATION_LIMIT, "", bestNorm[b]);
                    }
                }
            });
        }
        return s.finish(name());
    }
}
