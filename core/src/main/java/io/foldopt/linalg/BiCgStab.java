package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;
import java.util.Arrays;

/**
 * BiCGSTAB (van der Vorst, 1992), run in lockstep over the batch with per-instance scalars. One iteration:
 * <pre>
 *   rho = (r^, r);  beta = (rho / rho') (alpha / omega);  p = r + beta (p - omega v)
 *   v = A p;  alpha = rho / (r^, v);  s = r - alpha v
 *   t = A s;  omega = (t, s) / (t, t);  x += alpha p + omega s;  r = s - omega t
 * </pre>
 * Each iteration counts as one iteration although it applies {@code A} twice; instances that are not iterating
 * contribute zero rows to both applications. When the recurrence residual ({@code s} after the half step, or
 * {@code r}) meets the tolerance, the true residual {@code g - A x} decides: converged, or (drift of the recurrence)
 * continue from the true residual with a fresh shadow residual {@code r^ = r}.
 *
 * <p>Breakdown, any of {@code |rho| <= eps ||r^|| ||r||}, {@code |(r^, v)| <= eps ||r^|| ||v||},
 * {@code |(t, s)| <= eps ||t|| ||s||} with {@code eps =} {@value SolveBatch#BREAKDOWN_TOL}: the instance restarts
 * from its current iterate (for an omega breakdown, {@code x + alpha p}) with its true residual as fresh shadow
 * residual; this happens at most once per instance, a second breakdown ends it with NUMERICAL_FAILURE. A non-finite
 * inner product (the operator produced a non-finite value) ends the instance with NUMERICAL_FAILURE. Unconverged
 * instances return their best iterate, the one with the smallest residual norm observed (recurrence or true).
 */
public final class BiCgStab implements BatchedLinearSolver {
    /** Creates the solver; it has no settings of its own. */
    public BiCgStab() {}

    /** @return {@code "BICGSTAB"} */
    @Override
    public String name() {
        return "BICGSTAB";
    }

    /** @return the name of the algorithm */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        SolveBatch s = SolveBatch.start(a, rhs, initialGuess, options);
        new Run(s).run();
        return s.finish(name());
    }

    /** Workspace of one solve; instance {@code b} owns row {@code b} of every {@code B x n} array. */
    private static final class Run {
        private final SolveBatch s;
        private final int batch;
        private final int n;
        /** Residual; holds {@code s} between the two applications; zero rows for instances not iterating. */
        private final double[] r;
        private final double[] rHat;
        /** Search direction; zero rows for instances not iterating. */
        private final double[] p;
        private final double[] v;
        private final double[] t;
        private final double[] best;
        private final double[] bestNorm;
        private final double[] rNorm;
        private final double[] rHatNorm;
        private final double[] rho;
        private final double[] alpha;
        private final double[] omega;
        /** The instance needs its true residual at the end of this iteration. */
        private final boolean[] check;
        private final boolean[] brokeDown;
        private final boolean[] restarted;

        Run(SolveBatch s) {
            this.s = s;
            this.batch = s.batch;
            this.n = s.dim;
            int size = batch * n;
            this.r = new double[size];
            this.rHat = new double[size];
            this.p = new double[size];
            this.v = new double[size];
            this.t = new double[size];
            this.best = s.x.clone();
            this.bestNorm = new double[batch];
            this.rNorm = new double[batch];
            this.rHatNorm = new double[batch];
            this.rho = new double[batch];
            this.alpha = new double[batch];
            this.omega = new double[batch];
            this.check = new boolean[batch];
            this.brokeDown = new boolean[batch];
            this.restarted = new boolean[batch];
        }

        void run() {
            s.initialResidual(r);
            for (int b = 0; b < batch; b++) {
                if (s.active[b]) {
                    double norm = Vec.norm(r, b * n, n);
                    bestNorm[b] = norm;
                    if (s.meets(b, norm)) {
                        stop(b, Status.OPTIMAL, "");
                    } else if (!Double.isFinite(norm)) {
                        stop(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                    } else {
                        reset(b, norm);
                    }
                }
            }
            long work = 10L * n;
            while (s.anyActive()) {
                Parallel.forEach(batch, work, this::direction);
                s.op.apply(p, v);
                Parallel.forEach(batch, work, this::halfStep);
                s.op.apply(r, t);
                Parallel.forEach(batch, work, this::fullStep);
                if (SolveBatch.any(check)) {
                    s.residual(check, r);
                }
                Parallel.forEach(batch, work, this::settle);
            }
        }

        /** {@code rho = (r^, r)}, {@code p = r + beta (p - omega v)}. */
        private void direction(int b) {
            if (!s.active[b]) {
                return;
            }
            int o = b * n;
            double rhoNew = Vec.dot(rHat, o, r, o, n);
            if (!Double.isFinite(rhoNew)) {
                stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                return;
            }
            if (!(Math.abs(rhoNew) > SolveBatch.BREAKDOWN_TOL * rHatNorm[b] * rNorm[b])) {
                breakDown(b);
                return;
            }
            double beta = (rhoNew / rho[b]) * (alpha[b] / omega[b]);
            rho[b] = rhoNew;
            double om = omega[b];
            for (int i = o, end = o + n; i < end; i++) {
                p[i] = r[i] + beta * (p[i] - om * v[i]);
            }
        }

        /** {@code alpha = rho / (r^, v)}, {@code r <- s = r - alpha v}; stops early if s meets the tolerance. */
        private void halfStep(int b) {
            if (!s.active[b] || check[b]) {
                return;
            }
            s.iterations[b]++;
            int o = b * n;
            double sigma = Vec.dot(rHat, o, v, o, n);
            if (!Double.isFinite(sigma)) {
                stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                return;
            }
            if (!(Math.abs(sigma) > SolveBatch.BREAKDOWN_TOL * rHatNorm[b] * Vec.norm(v, o, n))) {
                breakDown(b);
                return;
            }
            double a = rho[b] / sigma;
            alpha[b] = a;
            Vec.axpy(-a, v, o, r, o, n);
            rNorm[b] = Vec.norm(r, o, n);
            if (s.meets(b, rNorm[b])) {
                Vec.axpy(a, p, o, s.x, o, n);
                offerBest(b, rNorm[b]);
                check[b] = true;
                Arrays.fill(r, o, o + n, 0.0);
            }
        }

        /** {@code omega = (t, s) / (t, t)}, {@code x += alpha p + omega s}, {@code r = s - omega t}. */
        private void fullStep(int b) {
            if (!s.active[b] || check[b]) {
                return;
            }
            int o = b * n;
            double a = alpha[b];
            double tt = Vec.dot(t, o, t, o, n);
            double ts = Vec.dot(t, o, r, o, n);
            if (!Double.isFinite(tt) || !Double.isFinite(ts)) {
                stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                return;
            }
            Vec.axpy(a, p, o, s.x, o, n);
            if (!(Math.abs(ts) > SolveBatch.BREAKDOWN_TOL * Math.sqrt(tt) * rNorm[b])) {
                offerBest(b, rNorm[b]);
                breakDown(b);
                return;
            }
            double om = ts / tt;
            omega[b] = om;
            Vec.axpy(om, r, o, s.x, o, n);
            Vec.axpy(-om, t, o, r, o, n);
            rNorm[b] = Vec.norm(r, o, n);
            offerBest(b, rNorm[b]);
            if (s.meets(b, rNorm[b])) {
                check[b] = true;
            }
        }

        /** Acts on the true residual of the checked instances, then enforces the iteration budget. */
        private void settle(int b) {
            if (!s.active[b]) {
                return;
            }
            if (check[b]) {
                check[b] = false;
                double norm = Vec.norm(r, b * n, n);
                if (s.meets(b, norm)) {
                    stop(b, Status.OPTIMAL, "");
                    return;
                }
                offerBest(b, norm);
                if (!Double.isFinite(norm)) {
                    stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                    return;
                }
                if (brokeDown[b]) {
                    brokeDown[b] = false;
                    if (restarted[b]) {
                        stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.BREAKDOWN);
                        return;
                    }
                    restarted[b] = true;
                }
                reset(b, norm);
            }
            if (s.iterations[b] >= s.options.maxIterations()) {
                stopWithBest(b, Status.ITERATION_LIMIT, "");
            }
        }

        /** Marks a breakdown: the instance sits out the rest of the iteration and gets its true residual. */
        private void breakDown(int b) {
            brokeDown[b] = true;
            check[b] = true;
            int o = b * n;
            Arrays.fill(p, o, o + n, 0.0);
            Arrays.fill(r, o, o + n, 0.0);
        }

        /** Starts the recurrence afresh from the residual in {@code r}: {@code r^ = r}, {@code p = v = 0}. */
        private void reset(int b, double residualNorm) {
            int o = b * n;
            System.arraycopy(r, o, rHat, o, n);
            rHatNorm[b] = residualNorm;
            rNorm[b] = residualNorm;
            rho[b] = 1;
            alpha[b] = 1;
            omega[b] = 1;
            Arrays.fill(p, o, o + n, 0.0);
            Arrays.fill(v, o, o + n, 0.0);
        }

        private void offerBest(int b, double residualNorm) {
            if (residualNorm < bestNorm[b]) {
                bestNorm[b] = residualNorm;
                System.arraycopy(s.x, b * n, best, b * n, n);
            }
        }

        private void stopWithBest(int b, Status status, String why) {
            System.arraycopy(best, b * n, s.x, b * n, n);
            stop(b, status, why);
        }

        private void stop(int b, Status status, String why) {
            s.stop(b, status, why);
            int o = b * n;
            Arrays.fill(p, o, o + n, 0.0);
            Arrays.fill(r, o, o + n, 0.0);
        }
    }
}
