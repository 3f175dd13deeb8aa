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
        return BatchParts.solve(a, rhs, initialGuess, options, (part, g, guess) -> {
            SolveBatch s = SolveBatch.start(part, g, guess, options);
            new Run(s).run();
            return s.finish(name());
        });
    }

    /**
     * Workspace of one solve; instance {@code b} owns row {@code b} of every {@code B x n} array. The vector work of an
     * iteration is five fused passes ({@link Vec#rowBlocks}), each over all iterating instances at once:
     * {@code p} (direction); {@code (r^, v), ||v||}; {@code s = r - alpha v, ||s||}; {@code (t, t), (t, s)};
     * {@code x += alpha p + omega s, r = s - omega t, ||r||, (r^, r)}, the last giving the next {@code rho}.
     *
     * <p>The best iterate is not copied: each instance's iterate lives in its row of {@code s.x} or of {@link #xAlt},
     * and an update of an iterate that is the best so far is written to the other array, which leaves the best one in
     * place. {@code s.x} receives the current iterate before a true residual and the returned one at the end.
     */
    private static final class Run implements SolveBatch.Restartable {
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
        /** The second array of iterates (see the class comment). */
        private final double[] xAlt;
        /** The iterate of instance {@code b} is in {@link #xAlt} (else in {@code s.x}). */
        private final boolean[] inAlt;
        /** The current iterate of instance {@code b} is its best (else the best is in the other array). */
        private final boolean[] currentIsBest;
        /** Per instance, the array read and the array written by the next update of the iterate. */
        private final double[][] xFrom;
        private final double[][] xTo;
        private final double[] bestNorm;
        private final double[] rNorm;
        private final double[] rHatNorm;
        /** {@code (r^, r)} of the current residual, the next iteration's {@code rho}. */
        private final double[] rhoNext;
        private final double[] rho;
        private final double[] beta;
        private final double[] alpha;
        private final double[] omega;
        /** Sums of the passes, two per instance. */
        private final double[] sums;
        /** The instances taking part in the next pass. */
        private final boolean[] go;
        private final SolveBatch.Restarts restarts;
        /** The instance needs its true residual at the end of this iteration ({@code restarts.check}). */
        private final boolean[] check;

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
            this.xAlt = new double[size];
            this.inAlt = new boolean[batch];
            this.currentIsBest = new boolean[batch];
            this.xFrom = new double[batch][];
            this.xTo = new double[batch][];
            this.bestNorm = new double[batch];
            this.rNorm = new double[batch];
            this.rHatNorm = new double[batch];
            this.rhoNext = new double[batch];
            this.rho = new double[batch];
            this.beta = new double[batch];
            this.alpha = new double[batch];
            this.omega = new double[batch];
            this.sums = new double[2 * batch];
            this.go = new boolean[batch];
            this.restarts = s.restarts();
            this.check = restarts.check;
        }

        void run() {
            s.initialResidual(r);
            for (int b = 0; b < batch; b++) {
                currentIsBest[b] = true;
                if (s.active[b]) {
                    double norm = Vec.norm(r, b * n, n);
                    bestNorm[b] = norm;
                    if (s.meets(b, norm)) {
                        stop(b, Status.OPTIMAL, "");
                    } else if (!Double.isFinite(norm)) {
                        stop(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                    } else {
                        restart(b, norm);
                    }
                }
            }
            while (s.anyActive()) {
                direction();
                s.op.apply(p, v);
                halfStep();
                s.op.apply(r, t);
                fullStep();
                if (SolveBatch.any(check)) {
                    for (int b = 0; b < batch; b++) {
                        if (check[b]) {
                            toPrimary(b);
                        }
                    }
                    s.residual(check, r);
                }
                Parallel.forEach(batch, 10L * n, b -> restarts.settle(b, r, this));
            }
        }

        /** {@code rho = (r^, r)}, {@code p = r + beta (p - omega v)}. */
        private void direction() {
            for (int b = 0; b < batch; b++) {
                go[b] = false;
                if (!s.active[b]) {
                    continue;
                }
                double rhoNew = rhoNext[b];
                if (!Double.isFinite(rhoNew)) {
                    stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                } else if (!(Math.abs(rhoNew) > SolveBatch.BREAKDOWN_TOL * rHatNorm[b] * rNorm[b])) {
                    breakDown(b);
                } else {
                    beta[b] = (rhoNew / rho[b]) * (alpha[b] / omega[b]);
                    rho[b] = rhoNew;
                    go[b] = true;
                }
            }
            Vec.rowBlocks(batch, n, go, 0, 3, null, (b, lo, hi, out, at) -> {
                double be = beta[b];
                double om = omega[b];
                for (int i = lo; i < hi; i++) {
                    p[i] = r[i] + be * (p[i] - om * v[i]);
                }
            });
        }

        /** {@code alpha = rho / (r^, v)}, {@code r <- s = r - alpha v}; stops early if s meets the tolerance. */
        private void halfStep() {
            for (int b = 0; b < batch; b++) {
                go[b] = s.active[b] && !check[b];
                if (go[b]) {
                    s.iterations[b]++;
                }
            }
            Vec.rowBlocks(batch, n, go, 2, 4, sums, (b, lo, hi, out, at) -> {
                double sv = 0;
                double vv = 0;
                for (int i = lo; i < hi; i++) {
                    double vi = v[i];
                    sv += rHat[i] * vi;
                    vv += vi * vi;
                }
                out[at] = sv;
                out[at + 1] = vv;
            });
            for (int b = 0; b < batch; b++) {
                if (!go[b]) {
                    continue;
                }
                double sigma = sums[2 * b];
                go[b] = false;
                if (!Double.isFinite(sigma)) {
                    stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                } else if (!(Math.abs(sigma) > SolveBatch.BREAKDOWN_TOL * rHatNorm[b] * norm(v, b, sums[2 * b + 1]))) {
                    breakDown(b);
                } else {
                    alpha[b] = rho[b] / sigma;
                    go[b] = true;
                }
            }
            Vec.rowBlocks(batch, n, go, 1, 4, sums, (b, lo, hi, out, at) -> {
                double a = alpha[b];
                double ss = 0;
                for (int i = lo; i < hi; i++) {
                    double si = r[i] - a * v[i];
                    r[i] = si;
                    ss += si * si;
                }
                out[at] = ss;
            });
            boolean any = false;
            for (int b = 0; b < batch; b++) {
                if (go[b]) {
                    rNorm[b] = norm(r, b, sums[b]);
                    go[b] = s.meets(b, rNorm[b]);
                    any |= go[b];
                }
            }
            if (any) {
                advance(go);
                for (int b = 0; b < batch; b++) {
                    if (go[b]) {
                        offerBest(b, rNorm[b]);
                        check[b] = true;
                        Arrays.fill(r, b * n, (b + 1) * n, 0.0);
                    }
                }
            }
        }

        /** {@code omega = (t, s) / (t, t)}, {@code x += alpha p + omega s}, {@code r = s - omega t}. */
        private void fullStep() {
            for (int b = 0; b < batch; b++) {
                go[b] = s.active[b] && !check[b];
            }
            Vec.rowBlocks(batch, n, go, 2, 4, sums, (b, lo, hi, out, at) -> {
                double tt = 0;
                double ts = 0;
                for (int i = lo; i < hi; i++) {
                    double ti = t[i];
                    tt += ti * ti;
                    ts += ti * r[i];
                }
                out[at] = tt;
                out[at + 1] = ts;
            });
            boolean[] brokeNow = null;
            for (int b = 0; b < batch; b++) {
                if (!go[b]) {
                    continue;
                }
                double tt = sums[2 * b];
                double ts = sums[2 * b + 1];
                if (!Double.isFinite(tt) || !Double.isFinite(ts)) {
                    go[b] = false;
                    stopWithBest(b, Status.NUMERICAL_FAILURE, SolveBatch.NON_FINITE);
                } else if (!(Math.abs(ts) > SolveBatch.BREAKDOWN_TOL * Math.sqrt(tt) * rNorm[b])) {
                    go[b] = false;
                    brokeNow = brokeNow == null ? new boolean[batch] : brokeNow;
                    brokeNow[b] = true;
                } else {
                    omega[b] = ts / tt;
                    target(b);
                }
            }
            if (brokeNow != null) {
                advance(brokeNow);
                for (int b = 0; b < batch; b++) {
                    if (brokeNow[b]) {
                        offerBest(b, rNorm[b]);
                        breakDown(b);
                    }
                }
            }
            Vec.rowBlocks(batch, n, go, 2, 9, sums, (b, lo, hi, out, at) -> {
                double a = alpha[b];
                double om = omega[b];
                double[] from = xFrom[b];
                double[] to = xTo[b];
                double rr = 0;
                double hr = 0;
                for (int i = lo; i < hi; i++) {
                    double si = r[i];
                    to[i] = from[i] + a * p[i] + om * si;
                    double ri = si - om * t[i];
                    r[i] = ri;
                    rr += ri * ri;
                    hr += rHat[i] * ri;
                }
                out[at] = rr;
                out[at + 1] = hr;
            });
            for (int b = 0; b < batch; b++) {
                if (go[b]) {
                    moved(b);
                    rNorm[b] = norm(r, b, sums[2 * b]);
                    rhoNext[b] = sums[2 * b + 1];
                    offerBest(b, rNorm[b]);
                    if (s.meets(b, rNorm[b])) {
                        check[b] = true;
                    }
                }
            }
        }

        /** {@code x += alpha p} for the instances with {@code rows[b]}. */
        private void advance(boolean[] rows) {
            for (int b = 0; b < batch; b++) {
                if (rows[b]) {
                    target(b);
                }
            }
            Vec.rowBlocks(batch, n, rows, 0, 2, null, (b, lo, hi, out, at) -> {
                double a = alpha[b];
                double[] from = xFrom[b];
                double[] to = xTo[b];
                for (int i = lo; i < hi; i++) {
                    to[i] = from[i] + a * p[i];
                }
            });
            for (int b = 0; b < batch; b++) {
                if (rows[b]) {
                    moved(b);
                }
            }
        }

        /** Chooses where the next update of instance b's iterate goes: in place, or beside it if it is the best. */
        private void target(int b) {
            xFrom[b] = current(b);
            xTo[b] = currentIsBest[b] ? (inAlt[b] ? s.x : xAlt) : xFrom[b];
        }

        /** Records that instance b's iterate was updated as {@link #target} chose. */
        private void moved(int b) {
            if (xTo[b] != xFrom[b]) {
                inAlt[b] = !inAlt[b];
                currentIsBest[b] = false;
            }
        }

        private double[] current(int b) {
            return inAlt[b] ? xAlt : s.x;
        }

        /** Moves instance b's current iterate to {@code s.x}, keeping its best iterate. */
        private void toPrimary(int b) {
            if (!inAlt[b]) {
                return;
            }
            int o = b * n;
            if (currentIsBest[b]) {
                System.arraycopy(xAlt, o, s.x, o, n);
            } else {
                for (int i = o; i < o + n; i++) {
                    double c = xAlt[i];
                    xAlt[i] = s.x[i];
                    s.x[i] = c;
                }
            }
            inAlt[b] = false;
        }

        /** @return the norm of row b of x from its sum of squares, recomputed with rescaling if that under/overflowed */
        private double norm(double[] x, int b, double sumOfSquares) {
            if (sumOfSquares >= Double.MIN_NORMAL && sumOfSquares < Double.POSITIVE_INFINITY) {
                return Math.sqrt(sumOfSquares);
            }
            return Vec.norm(x, b * n, n);
        }

        /** Ends instance {@code b}: converged at its current iterate, otherwise at its best one. */
        @Override
        public void end(int b, Status status, String why) {
            if (status == Status.OPTIMAL) {
                stop(b, status, why);
            } else {
                stopWithBest(b, status, why);
            }
        }

        /** Offers the checked iterate as the best one. */
        @Override
        public void checked(int b, double residualNorm) {
            offerBest(b, residualNorm);
        }

        /** Marks a breakdown: the instance sits out the rest of the iteration and gets its true residual. */
        private void breakDown(int b) {
            restarts.breakDown(b);
            int o = b * n;
            Arrays.fill(p, o, o + n, 0.0);
            Arrays.fill(r, o, o + n, 0.0);
        }

        /**
         * Starts the recurrence afresh from the residual in {@code r}: {@code r^ = r}, {@code p = v = 0},
         * {@code (r^, r) = ||r||^2}.
         */
        @Override
        public void restart(int b, double residualNorm) {
            int o = b * n;
            System.arraycopy(r, o, rHat, o, n);
            rHatNorm[b] = residualNorm;
            rNorm[b] = residualNorm;
            rhoNext[b] = residualNorm * residualNorm;
            rho[b] = 1;
            alpha[b] = 1;
            omega[b] = 1;
            Arrays.fill(p, o, o + n, 0.0);
            Arrays.fill(v, o, o + n, 0.0);
        }

        /** Makes the current iterate the best one if its residual norm is the smallest so far. */
        private void offerBest(int b, double residualNorm) {
            if (residualNorm < bestNorm[b]) {
                bestNorm[b] = residualNorm;
                currentIsBest[b] = true;
            }
        }

        private void stopWithBest(int b, Status status, String why) {
            if (!currentIsBest[b]) {
                // The best iterate is in the other array: make it the current one.
                inAlt[b] = !inAlt[b];
                currentIsBest[b] = true;
            }
            stop(b, status, why);
        }

        private void stop(int b, Status status, String why) {
            toPrimary(b);
            s.stop(b, status, why);
            int o = b * n;
            Arrays.fill(p, o, o + n, 0.0);
            Arrays.fill(r, o, o + n, 0.0);
        }
    }
}
