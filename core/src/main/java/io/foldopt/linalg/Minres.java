package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;
import io.foldopt.status.Status;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * MINRES (Paige and Saunders, 1975) for symmetric, possibly indefinite, systems, run in lockstep over the batch with
 * per-instance scalars. The Lanczos process {@code beta_{k+1} q_{k+1} = A q_k - alpha_k q_k - beta_k q_{k-1}} builds
 * the tridiagonal {@code T_k}; Givens rotations reduce it as it grows, and the iterate {@code v_k} minimizes
 * {@code ||g - A v||} over {@code v_0 + K_k(A, r_0)}, with residual estimate {@code |phibar_k|}. One operator
 * application per iteration; storage is five vectors per instance.
 *
 * <p>The three-term recurrence is only valid for symmetric {@code A}. Before iterating, each instance's operator is
 * tested with two fixed pseudo-random vectors {@code z1, z2}: if
 * {@code |z1^T A z2 - z2^T A z1| > }{@value #SYMMETRY_TOL}{@code  max(||z1|| ||A z2||, ||z2|| ||A z1||)} the
 * instance ends at once with {@link Status#NUMERICAL_FAILURE} ("operator is not symmetric"), returning its start (two
 * applications, not counted as iterations). The folded backward {@code (I - Phi)^T} is symmetric for a gradient
 * step {@code x - alpha grad f} on an unconstrained problem ({@code Phi = I - alpha H}) and for a projected step at a
 * point with no active bound; with active bounds {@code Phi = D (I - alpha H)} is symmetric only on the free
 * coordinates, and MINRES refuses it.
 *
 * <p>When the estimate meets the tolerance, or the Lanczos process breaks down ({@code beta_{k+1}} or the rotated
 * diagonal below {@value SolveBatch#BREAKDOWN_TOL} relative to {@code ||A q_k||}), the true residual {@code g - A v}
 * decides: converged, or the process restarts from the true residual; a second breakdown ends the instance with
 * NUMERICAL_FAILURE. Unconverged instances return their last iterate, whose residual is the smallest so far.
 */
public final class Minres implements BatchedLinearSolver {
    /** Relative asymmetry {@code |z1^T A z2 - z2^T A z1|} above which an operator is refused. */
    public static final double SYMMETRY_TOL = 1e-8;
    /** Detail of the NUMERICAL_FAILURE of an instance whose operator is not symmetric. */
    static final String NOT_SYMMETRIC = "operator is not symmetric";
    /** Seed of the test vectors of the symmetry check. */
    private static final long SEED = 0x5EED_3141L;

    /** Creates the solver; it has no settings of its own. */
    public Minres() {}

    /** @return {@code "MINRES"} */
    @Override
    public String name() {
        return "MINRES";
    }

    /** @return the name of the algorithm */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
        return BatchParts.solve(a, rhs, initialGuess, options, (part, g, guess) -> {
            SolveBatch s = SolveBatch.start(part, g, guess, options);
            new Run(s).run();
            return s.finish(name());
        });
    }

    /** Workspace of one solve; instance {@code b} owns row {@code b} of every {@code B x n} array. */
    private static final class Run implements SolveBatch.Restartable {
        private final SolveBatch s;
        private final int batch;
        private final int n;
        /** Lanczos vectors {@code beta_k q_{k-1}} and {@code beta_{k+1} q_k}, unnormalized. */
        private final double[] r1;
        private final double[] r2;
        /** The next unnormalized Lanczos vector; holds the true residual after a check. */
        private final double[] y;
        /** {@code q_k}, the operator's input; zero rows for instances not iterating. */
        private final double[] q;
        private final double[] w;
        private final double[] w1;
        private final double[] beta;
        private final double[] oldBeta;
        private final double[] dbar;
        private final double[] epsilon;
        private final double[] phibar;
        private final double[] cs;
        private final double[] sn;
        private final int[] step;
        private final SolveBatch.Restarts restarts;
        /** The instance needs its true residual at the end of this iteration ({@code restarts.check}). */
        private final boolean[] check;

        Run(SolveBatch s) {
            this.s = s;
            this.batch = s.batch;
            this.n = s.dim;
            int size = batch * n;
            this.r1 = new double[size];
            this.r2 = new double[size];
            this.y = new double[size];
            this.q = new double[size];
            this.w = new double[size];
            this.w1 = new double[size];
            this.beta = new double[batch];
            this.oldBeta = new double[batch];
            this.dbar = new double[batch];
            this.epsilon = new double[batch];
            this.phibar = new double[batch];
            this.cs = new double[batch];
            this.sn = new double[batch];
            this.step = new int[batch];
            this.restarts = s.restarts();
            this.check = restarts.check;
        }

        void run() {
            s.initialResidual(y);
            for (int b = 0; b < batch; b++) {
                if (s.active[b]) {
                    double norm = Vec.norm(y, b * n, n);
                    if (s.meets(b, norm)) {
                        s.stop(b, Status.OPTIMAL);
                    } else if (!Double.isFinite(norm)) {
                        s.fail(b, SolveBatch.NON_FINITE);
                    } else {
                        restart(b, norm);
                    }
                }
            }
            checkSymmetry();
            long work = 12L * n;
            while (s.anyActive()) {
                s.op.apply(q, y);
                Parallel.forEach(batch, work, this::iterate);
                if (SolveBatch.any(check)) {
                    s.residual(check, y);
                }
                Parallel.forEach(batch, work, b -> restarts.settle(b, y, this));
            }
        }

        /** Refuses the active instances whose operator fails the two-vector symmetry test. */
        private void checkSymmetry() {
            if (!s.anyActive()) {
                return;
            }
            int size = batch * n;
            double[] z1 = new double[size];
            double[] z2 = new double[size];
            SplittableRandom random = new SplittableRandom(SEED);
            for (int i = 0; i < n; i++) {
                double u1 = random.nextDouble(-1, 1);
                double u2 = random.nextDouble(-1, 1);
                for (int b = 0; b < batch; b++) {
                    if (s.active[b]) {
                        z1[b * n + i] = u1;
                        z2[b * n + i] = u2;
                    }
                }
            }
            double[] az1 = new double[size];
            double[] az2 = new double[size];
            s.op.apply(z1, az1);
            s.op.apply(z2, az2);
            for (int b = 0; b < batch; b++) {
                if (!s.active[b]) {
                    continue;
                }
                int o = b * n;
                double d = Math.abs(Vec.dot(z1, o, az2, o, n) - Vec.dot(z2, o, az1, o, n));
                double scale = Math.max(Vec.norm(z1, o, n) * Vec.norm(az2, o, n),
                        Vec.norm(z2, o, n) * Vec.norm(az1, o, n));
                if (!Double.isFinite(d)) {
                    end(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                } else if (d > SYMMETRY_TOL * scale) {
                    end(b, Status.NUMERICAL_FAILURE, String.format(java.util.Locale.ROOT,
                            "%s: |z1^T A z2 - z2^T A z1| = %.3g relative to %.3g", NOT_SYMMETRIC, d, scale));
                }
            }
        }

        /** One Lanczos step and one Givens rotation; updates the iterate and the residual estimate. */
        private void iterate(int b) {
            if (!s.active[b]) {
                return;
            }
            int o = b * n;
            int end = o + n;
            s.iterations[b]++;
            step[b]++;
            double bk = beta[b];
            double aqNorm = Vec.norm(y, o, n);
            if (step[b] >= 2) {
                Vec.axpy(-bk / oldBeta[b], r1, o, y, o, n);
            }
            double alpha = Vec.dot(q, o, y, o, n);
            Vec.axpy(-alpha / bk, r2, o, y, o, n);
            System.arraycopy(r2, o, r1, o, n);
            System.arraycopy(y, o, r2, o, n);
            oldBeta[b] = bk;
            double next = Vec.norm(y, o, n);
            beta[b] = next;
            double oldEpsilon = epsilon[b];
            double delta = cs[b] * dbar[b] + sn[b] * alpha;
            double gbar = sn[b] * dbar[b] - cs[b] * alpha;
            epsilon[b] = sn[b] * next;
            dbar[b] = -cs[b] * next;
            double gamma = Math.hypot(gbar, next);
            if (!Double.isFinite(gamma) || !Double.isFinite(alpha)) {
                end(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                return;
            }
            if (!(gamma > SolveBatch.BREAKDOWN_TOL * aqNorm)) {
                restarts.breakDown(b);
                return;
            }
            cs[b] = gbar / gamma;
            sn[b] = next / gamma;
            double phi = cs[b] * phibar[b];
            phibar[b] = sn[b] * phibar[b];
            double[] x = s.x;
            for (int i = o; i < end; i++) {
                double wPrev = w[i];
                double wNew = (q[i] - oldEpsilon * w1[i] - delta * wPrev) / gamma;
                w1[i] = wPrev;
                w[i] = wNew;
                x[i] += phi * wNew;
            }
            if (s.meets(b, Math.abs(phibar[b]))) {
                check[b] = true;
            } else if (!(next > SolveBatch.BREAKDOWN_TOL * aqNorm)) {
                restarts.breakDown(b);
            } else {
                Vec.scale(1 / next, y, o, q, o, n);
            }
        }

        /** Starts the Lanczos process afresh from the residual in {@code y}, of norm {@code residualNorm}. */
        @Override
        public void restart(int b, double residualNorm) {
            int o = b * n;
            System.arraycopy(y, o, r1, o, n);
            System.arraycopy(y, o, r2, o, n);
            Vec.scale(1 / residualNorm, y, o, q, o, n);
            Arrays.fill(w, o, o + n, 0.0);
            Arrays.fill(w1, o, o + n, 0.0);
            beta[b] = residualNorm;
            oldBeta[b] = 0;
            dbar[b] = 0;
            epsilon[b] = 0;
            phibar[b] = residualNorm;
            cs[b] = -1;
            sn[b] = 0;
            step[b] = 0;
        }

        /** Ends instance {@code b} at its current iterate. */
        @Override
        public void end(int b, Status status, String why) {
            s.stop(b, status, why);
            Arrays.fill(q, b * n, (b + 1) * n, 0.0);
        }
    }
}
