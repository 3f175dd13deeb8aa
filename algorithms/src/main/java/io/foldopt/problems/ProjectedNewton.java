package io.foldopt.problems;

import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import java.time.Duration;

/**
 * A projected Newton method (Bertsekas 1982) for {@code min f(x)} over the box {@code lo <= x <= hi}, for a
 * smooth, possibly nonconvex {@code f} with a dense Hessian, that ends in bounded time with a status computed by
 * {@link StationaryPointCheck}.
 *
 * <p>Each iteration takes the binding set {@code A} (coordinates within {@code e = min(e_0, r)} of a bound whose
 * gradient pushes outward, {@code r} the projected-gradient residual, {@code e_0 = 1e-3 (hi - lo)}), solves
 * {@code (H_FF + mu I) d_F = -g_F} on the others with the smallest {@code mu} in {@code 0, beta, 2 beta, ...}
 * ({@code beta = 1e-3 max(1, max |H_ii|)}) whose Cholesky factorization succeeds, sets
 * {@code d_A = -g_A / max(|H_ii|, beta)} (a free coordinate on a bound whose component of {@code d} points out
 * joins {@code A}, and the system is solved again), and searches {@code x(t) = clip(x + t d)} for
 * {@code t = 1, 1/2, ...} with the Armijo test {@code f(x(t)) <= f(x) + 1e-4 g^T (x(t) - x)}, applied where
 * rounding hides the decrease to a cancellation-free estimate of it (so that the last, quadratically convergent
 * steps are not refused); if no step is accepted, the projected-gradient arc {@code clip(x - t g / ||H||_inf)} is
 * searched instead. The shift makes {@code d} a descent direction on indefinite problems and repels the iterates from saddle points. When the
 * residual is at most {@code tol}, the point is classified; a saddle or a maximum is left along its
 * negative-curvature direction ({@code x + t d} projected, {@code t} from a full crossing of the box halved until
 * {@code f} decreases) and the iteration goes on, since {@code f} only decreases it cannot come back. It stops with
 *
 * <ul>
 *   <li>{@link Status#OPTIMAL}: a local minimum to {@code tol};
 *   <li>{@link Status#NOT_A_MINIMUM}: a stationary point that is degenerate, or a saddle or maximum from which no
 *       decrease was found along the negative-curvature direction;
 *   <li>{@link Status#ITERATION_LIMIT}: the iteration or time budget ran out (escapes count as iterations); the
 *       last iterate is returned;
 *   <li>{@link Status#NUMERICAL_FAILURE}: the line search failed away from a stationary point (within
 *       {@code 1e3 tol} the point is still classified and, if a minimum, reported
 *       {@link Status#OPTIMAL_INACCURATE}), or {@code f} or its derivatives were not finite.
 * </ul>
 */
public final class ProjectedNewton {
    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 60;
    private static final double ROUNDING = 1e-14;
    private static final double NOISE = 1e-8;
    private static final double INACCURATE_FACTOR = 1e3;

    private ProjectedNewton() {}

    /** A smooth function with its gradient and dense Hessian. */
    public interface Objective {
        /** @return {@code f(x)} */
        double value(double[] x);

        /** Writes {@code grad f(x)} into {@code g}. */
        void gradient(double[] x, double[] g);

        /** Writes the Hessian {@code (n x n)}, row-major, into {@code h}. */
        void hessian(double[] x, double[] h);
    }

    /**
     * Limits of a run.
     *
     * @param tolerance the absolute tolerance of the projected-gradient residual (units of the gradient)
     * @param maxIterations Newton steps plus escapes allowed
     * @param timeLimit wall-clock time allowed
     */
    public record Options(double tolerance, int maxIterations, Duration timeLimit) {
        /** Validates the limits. */
        public Options {
            if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
                throw new IllegalArgumentException("tolerance must be positive and finite, got " + tolerance);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
            }
            if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
                throw new IllegalArgumentException("timeLimit must be positive, got " + timeLimit);
            }
        }
    }

    /**
     * The outcome of a run.
     *
     * @param x the last iterate (in the box)
     * @param status how the run ended (see the class comment)
     * @param iterations Newton steps and escapes taken
     * @param escapes steps taken along negative curvature out of saddles or maxima
     * @param point the classification of {@code x} (computed at every stop)
     */
    public record Result(double[] x, Status status, int iterations, int escapes, StationaryPointCheck.Result point) {}

    /**
     * @param f the objective
     * @param lo the lower bounds
     * @param hi the upper bounds ({@code > lo})
     * @param start the starting point (projected onto the box)
     * @return the outcome
     */
    public static Result minimize(Objective f, double[] lo, double[] hi, double[] start, Options options) {
        int n = start.length;
        if (lo.length != n || hi.length != n) {
            throw new IllegalArgumentException("lo, hi and start must have the same length, got " + lo.length + ", "
                    + hi.length + ", " + n);
        }
        for (int i = 0; i < n; i++) {
            if (!(lo[i] < hi[i])) {
                throw new IllegalArgumentException("the box needs lo < hi, coordinate " + i + " has [" + lo[i] + ", "
                        + hi[i] + "]");
            }
        }
        long deadline = System.nanoTime() + options.timeLimit().toNanos();
        double tol = options.tolerance();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = clip(start[i], lo[i], hi[i]);
        }
        double[] g = new double[n];
        double[] h = new double[n * n];
        double[] d = new double[n];
        double[] trial = new double[n];
        double[] gTrial = new double[n];
        double fx = f.value(x);
        int escapes = 0;
        int it = 0;
        while (true) {
            f.gradient(x, g);
            f.hessian(x, h);
            if (!Double.isFinite(fx) || !Vec.allFinite(g, 0, n) || !Vec.allFinite(h, 0, h.length)) {
                return new Result(x, Status.NUMERICAL_FAILURE, it, escapes, null);
            }
            double r = residual(x, g, lo, hi);
            if (r <= tol) {
                StationaryPointCheck.Result point = StationaryPointCheck.classify(x, g, lo, hi, h, tol);
                if (point.kind() == StationaryPointCheck.Kind.LOCAL_MINIMUM) {
                    return new Result(x, Status.OPTIMAL, it, escapes, point);
                }
                if (point.direction() == null || it >= options.maxIterations() || System.nanoTime() > deadline) {
                    return new Result(x, point.direction() == null ? Status.NOT_A_MINIMUM : Status.ITERATION_LIMIT,
                            it, escapes, point);
                }
                double fEscaped = escape(f, x, fx, g, point.direction(), lo, hi, trial);
                if (Double.isNaN(fEscaped)) {
                    return new Result(x, Status.NOT_A_MINIMUM, it, escapes, point);
                }
                System.arraycopy(trial, 0, x, 0, n);
                fx = fEscaped;
                escapes++;
                it++;
                continue;
            }
            if (it >= options.maxIterations() || System.nanoTime() > deadline) {
                return new Result(x, Status.ITERATION_LIMIT, it, escapes,
                        StationaryPointCheck.classify(x, g, lo, hi, h, tol));
            }
            newtonDirection(x, g, h, lo, hi, r, d);
            double fTrial = lineSearch(f, x, fx, g, d, lo, hi, trial, gTrial);
            if (Double.isNaN(fTrial)) {
                // The projected-gradient arc clip(x - t g / ||H||) always descends for small t.
                double scale = 1 / hessianNormBound(h, n);
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i] * scale;
                }
                fTrial = lineSearch(f, x, fx, g, d, lo, hi, trial, gTrial);
            }
            if (Double.isNaN(fTrial)) {
                StationaryPointCheck.Result point = StationaryPointCheck.classify(x, g, lo, hi, h,
                        INACCURATE_FACTOR * tol);
                Status status = point.kind() == StationaryPointCheck.Kind.LOCAL_MINIMUM ? Status.OPTIMAL_INACCURATE
                        : point.kind() == StationaryPointCheck.Kind.NOT_STATIONARY ? Status.NUMERICAL_FAILURE
                        : Status.NOT_A_MINIMUM;
                return new Result(x, status, it, escapes, point);
            }
            System.arraycopy(trial, 0, x, 0, n);
            fx = fTrial;
            it++;
        }
    }

    /** @return {@code max_i sum_j |H_ij|} (at least the smallest normal double), a bound on {@code ||H||_2} */
    private static double hessianNormBound(double[] h, int n) {
        double worst = Double.MIN_NORMAL;
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += Math.abs(h[i * n + j]);
            }
            worst = Math.max(worst, row);
        }
        return worst;
    }

    /** @return the projected-gradient residual {@code max_i |x_i - clip(x_i - g_i)|} */
    static double residual(double[] x, double[] g, double[] lo, double[] hi) {
        double r = 0;
        for (int i = 0; i < x.length; i++) {
            r = Math.max(r, Math.abs(x[i] - clip(x[i] - g[i], lo[i], hi[i])));
        }
        return r;
    }

    /**
     * Writes the projected Newton direction (see the class comment) into {@code d}; a free coordinate on a bound
     * whose Newton component points out of the box joins the binding set (with {@code d_i = 0}) and the reduced
     * system is solved again, so that the projection does not cut the direction.
     */
    private static void newtonDirection(double[] x, double[] g, double[] h, double[] lo, double[] hi, double r,
            double[] d) {
        int n = x.length;
        double maxDiag = 1;
        for (int i = 0; i < n; i++) {
            maxDiag = Math.max(maxDiag, Math.abs(h[i * n + i]));
        }
        double beta = 1e-3 * maxDiag;
        boolean[] binding = new boolean[n];
        for (int i = 0; i < n; i++) {
            double e = Math.min(1e-3 * (hi[i] - lo[i]), r);
            binding[i] = x[i] <= lo[i] + e && g[i] > 0 || x[i] >= hi[i] - e && g[i] < 0;
            d[i] = binding[i] ? -g[i] / Math.max(Math.abs(h[i * n + i]), beta) : 0;
        }
        boolean again = true;
        while (again) {
            int[] free = new int[n];
            int nf = 0;
            for (int i = 0; i < n; i++) {
                if (!binding[i]) {
                    free[nf++] = i;
                }
            }
            if (nf == 0) {
                return;
            }
            solveReduced(g, h, n, free, nf, beta, 1e-12 * maxDiag, d);
            again = false;
            for (int a = 0; a < nf; a++) {
                int i = free[a];
                if (x[i] == lo[i] && d[i] < 0 || x[i] == hi[i] && d[i] > 0) {
                    binding[i] = true;
                    d[i] = 0;
                    again = true;
                }
            }
        }
    }

    /**
     * Writes {@code d_F = -(H_FF + mu I)^{-1} g_F} for the free coordinates {@code F}, with the smallest {@code mu}
     * in {@code 0, beta, 2 beta, ...} whose Cholesky pivots exceed {@code pivot}.
     */
    private static void solveReduced(double[] g, double[] h, int n, int[] free, int nf, double beta, double pivot,
            double[] d) {
        double[] hf = new double[nf * nf];
        for (int a = 0; a < nf; a++) {
            for (int b = 0; b < nf; b++) {
                hf[a * nf + b] = h[free[a] * n + free[b]];
            }
        }
        double mu = 0;
        Cholesky chol = Cholesky.factor(hf, nf, mu, pivot);
        while (!chol.isPositiveDefinite()) {
            mu = mu == 0 ? beta : 2 * mu;
            chol = Cholesky.factor(hf, nf, mu, pivot);
        }
        double[] rhs = new double[nf];
        for (int a = 0; a < nf; a++) {
            rhs[a] = -g[free[a]];
        }
        chol.solveInPlace(rhs);
        for (int a = 0; a < nf; a++) {
            d[free[a]] = rhs[a];
        }
    }

    /**
     * Backtracks on {@code clip(x + t d)} from {@code t = 1}. A step is accepted by the Armijo test on values, or,
     * where rounding hides the decrease in {@code f} (values within {@code 1e-8 (1 + |f(x)|)}), by the same test
     * on the trapezoidal estimate {@code (g(x) + g(x(t)))^T (x(t) - x) / 2} of {@code f(x(t)) - f(x)}, which has
     * no cancellation (the approximate Wolfe test of Hager and Zhang).
     *
     * @return {@code f} at the accepted point, written into {@code trial}; NaN if none was accepted
     */
    private static double lineSearch(Objective f, double[] x, double fx, double[] g, double[] d, double[] lo,
            double[] hi, double[] trial, double[] gTrial) {
        double slack = ROUNDING * (1 + Math.abs(fx));
        double noise = NOISE * (1 + Math.abs(fx));
        double t = 1;
        for (int k = 0; k < MAX_HALVINGS; k++, t *= 0.5) {
            double predicted = 0;
            boolean moved = false;
            for (int i = 0; i < x.length; i++) {
                trial[i] = clip(x[i] + t * d[i], lo[i], hi[i]);
                predicted += g[i] * (trial[i] - x[i]);
                moved |= trial[i] != x[i];
            }
            if (!moved) {
                return Double.NaN;
            }
            if (!(predicted < 0)) {
                continue;
            }
            double ft = f.value(trial);
            if (ft <= fx + ARMIJO * predicted + slack) {
                return ft;
            }
            if (ft <= fx + noise) {
                f.gradient(trial, gTrial);
                double trapezoid = 0;
                for (int i = 0; i < x.length; i++) {
                    trapezoid += 0.5 * (g[i] + gTrial[i]) * (trial[i] - x[i]);
                }
                if (trapezoid <= ARMIJO * predicted) {
                    return ft;
                }
            }
        }
        return Double.NaN;
    }

    /**
     * Leaves a saddle or maximum along {@code d} (or {@code -d}, whichever is not ascent to first order), from a
     * step that crosses the box, halved until {@code f} decreases by more than the rounding level.
     *
     * @return {@code f} at the new point, written into {@code trial}; NaN if no decrease was found
     */
    private static double escape(Objective f, double[] x, double fx, double[] g, double[] d, double[] lo,
            double[] hi, double[] trial) {
        double slope = 0;
        double maxAbs = 0;
        double width = 0;
        for (int i = 0; i < x.length; i++) {
            slope += g[i] * d[i];
            maxAbs = Math.max(maxAbs, Math.abs(d[i]));
            width = Math.max(width, hi[i] - lo[i]);
        }
        double sign = slope > 0 ? -1 : 1;
        double slack = ROUNDING * (1 + Math.abs(fx));
        double t = width / maxAbs;
        for (int k = 0; k < MAX_HALVINGS; k++, t *= 0.5) {
            for (int i = 0; i < x.length; i++) {
                trial[i] = clip(x[i] + sign * t * d[i], lo[i], hi[i]);
            }
            double ft = f.value(trial);
            if (ft < fx - slack) {
                return ft;
            }
        }
        return Double.NaN;
    }

    private static double clip(double v, double lo, double hi) {
        return Math.min(Math.max(v, lo), hi);
    }
}
