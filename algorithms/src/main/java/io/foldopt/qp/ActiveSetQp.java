package io.foldopt.qp;

import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import java.util.Arrays;

/**
 * The primal active-set method (Nocedal and Wright, Algorithm 16.3) for the strictly convex QP
 * {@code min_d 1/2 d^T H d + g^T d  s.t.  C d <= s} with {@code H (r x r)} positive definite and
 * {@code s >= 0}, so that {@code d = 0} is feasible: the QP subproblem of {@link PolyhedralSqp} in the null
 * space of the equalities.
 *
 * <p>From {@code d = 0} and a working set {@code W} (a warm start: the previous working set, restricted to the
 * constraints with slack about 0; the step keeps their slack), each iteration solves the equality-constrained QP
 * on {@code W}, {@code [H C_W^T; C_W 0] [p; mu] = [-(H d + g); 0]}, by the Schur complement
 * {@code C_W H^{-1} C_W^T} (with the caller's Cholesky factor of {@code H} and {@code H^{-1} c_i} computed once per constraint
 * joining {@code W}, so an iteration costs {@code O(r^2 + k^2 r + k^3)}). If {@code d + p} is feasible it becomes
 * the iterate, and it is optimal if {@code mu >= 0}; otherwise the constraint with the most negative multiplier
 * leaves {@code W}. If a constraint blocks the step, {@code d} moves to it and it joins {@code W}. A blocking
 * constraint is never in the span of {@code C_W} ({@code C_W p = 0 < C_i p}), so {@code W} stays linearly
 * independent and the Schur complement positive definite; the objective decreases strictly along nonzero steps.
 * The solution is exact up to rounding (direct solves), and with a warm start near convergence of SQP it takes
 * one or two iterations.
 */
final class ActiveSetQp {
    /** A multiplier above {@code -NEGATIVE_TOLERANCE (1 + ||g||_inf)} counts as nonnegative. */
    private static final double NEGATIVE_TOLERANCE = 1e-13;
    /** A Schur-complement pivot at most this times its largest diagonal counts as singular (dependent rows). */
    private static final double SINGULAR_PIVOT = 1e-13;
    /** Warm-start constraints with a slack up to {@code WARM_SLACK max(1, ||s||_inf)} join the working set. */
    private static final double WARM_SLACK = 1e-10;

    private ActiveSetQp() {}

    /**
     * The solution of one QP.
     *
     * @param d the minimizer {@code (r)}
     * @param lambda the multipliers {@code (m)}, zero off the working set
     * @param working the final working set (the constraints active at {@code d} with their multipliers)
     */
    record Solution(double[] d, double[] lambda, int[] working) {}

    /**
     * @param h {@code H (r x r)}, symmetric positive definite, row-major
     * @param hFactor the Cholesky factorization of {@code H}
     * @param g the linear term {@code (r)}
     * @param c the constraint matrix {@code C (m x r)}, row-major
     * @param s the right-hand side {@code (m)}, nonnegative
     * @param warm constraints to start the working set with (those whose slack is not about 0 are ignored)
     * @param maxIterations the iteration limit
     * @return the solution, or null if the limit is reached or a KKT matrix is singular (numerically)
     */
    static Solution solve(double[] h, Cholesky hFactor, double[] g, double[] c, double[] s, int[] warm,
            int maxIterations) {
        int r = g.length;
        int m = s.length;
        double[] d = new double[r];
        boolean[] inW = new boolean[m];
        int[] working = new int[m];
        int k = 0;
        double warmSlack = 0;
        for (double v : s) {
            warmSlack = Math.max(warmSlack, v);
        }
        warmSlack = WARM_SLACK * Math.max(1.0, warmSlack);
        for (int i : warm) {
            if (s[i] <= warmSlack && !inW[i]) {
                inW[i] = true;
                working[k++] = i;
            }
        }
        double gScale = 1.0;
        for (double v : g) {
            gScale = Math.max(gScale, Math.abs(v));
        }
        // Row w of hInvC holds H^{-1} c_{working[w]}, computed when the constraint joins W.
        double[] hInvC = new double[m * r];
        for (int w = 0; w < k; w++) {
            setHInvC(hFactor, c, working[w], r, hInvC, w);
        }
        for (int it = 0; it < maxIterations; it++) {
            double[] sol = equalityStep(h, hFactor, g, c, d, working, k, hInvC);
            if (sol == null) {
                return null;
            }
            double alpha = 1.0;
            int blocking = -1;
            for (int i = 0; i < m; i++) {
                if (inW[i]) {
                    continue;
                }
                double cp = 0;
                double cd = 0;
                for (int j = 0; j < r; j++) {
                    cp += c[i * r + j] * sol[j];
                    cd += c[i * r + j] * d[j];
                }
                if (cp > 0) {
                    double ratio = Math.max(0.0, (s[i] - cd) / cp);
                    if (ratio < alpha) {
                        alpha = ratio;
                        blocking = i;
                    }
                }
            }
            for (int j = 0; j < r; j++) {
                d[j] += alpha * sol[j];
            }
            if (blocking >= 0) {
                inW[blocking] = true;
                setHInvC(hFactor, c, blocking, r, hInvC, k);
                working[k++] = blocking;
                continue;
            }
            int leaving = -1;
            double most = -NEGATIVE_TOLERANCE * gScale;
            for (int w = 0; w < k; w++) {
                if (sol[r + w] < most) {
                    most = sol[r + w];
                    leaving = w;
                }
            }
            if (leaving < 0) {
                double[] lambda = new double[m];
                for (int w = 0; w < k; w++) {
                    lambda[working[w]] = Math.max(0.0, sol[r + w]);
                }
                return new Solution(d, lambda, Arrays.copyOf(working, k));
            }
            inW[working[leaving]] = false;
            working[leaving] = working[--k];
            System.arraycopy(hInvC, k * r, hInvC, leaving * r, r);
        }
        return null;
    }

    /** Writes {@code H^{-1} c_i} into row {@code w} of {@code hInvC}. */
    private static void setHInvC(Cholesky hFactor, double[] c, int i, int r, double[] hInvC, int w) {
        double[] y = Arrays.copyOfRange(c, i * r, (i + 1) * r);
        hFactor.solveInPlace(y);
        System.arraycopy(y, 0, hInvC, w * r, r);
    }

    /**
     * Solves the equality-constrained step {@code [H C_W^T; C_W 0] [p; mu] = [-(H d + g); 0]} by the Schur
     * complement: with {@code u = -H^{-1} (H d + g)} and {@code Y = H^{-1} C_W^T} (the rows of {@code hInvC}),
     * {@code (C_W Y) mu = C_W u} (Cholesky) and {@code p = u - Y mu}.
     *
     * @return {@code (p, mu)}, or null if {@code C_W Y} is numerically singular ({@code C_W} rank deficient)
     */
    private static double[] equalityStep(double[] h, Cholesky hFactor, double[] g, double[] c, double[] d,
            int[] working, int k, double[] hInvC) {
        int r = g.length;
        double[] u = new double[r];
        for (int i = 0; i < r; i++) {
            u[i] = -(Vec.dot(h, i * r, d, 0, r) + g[i]);
        }
        hFactor.solveInPlace(u);
        if (k == 0) {
            return u;
        }
        double[] sol = Arrays.copyOf(u, r + k);
        double[] schur = new double[k * k];
        double[] rhs = new double[k];
        double maxDiag = 0;
        for (int a = 0; a < k; a++) {
            int row = working[a] * r;
            for (int b = 0; b <= a; b++) {
                schur[a * k + b] = Vec.dot(c, row, hInvC, b * r, r);
            }
            maxDiag = Math.max(maxDiag, schur[a * k + a]);
            rhs[a] = Vec.dot(c, row, sol, 0, r);
        }
        Cholesky sFactor = Cholesky.factor(schur, k, 0.0, SINGULAR_PIVOT * maxDiag);
        if (!sFactor.isPositiveDefinite()) {
            return null;
        }
        sFactor.solveInPlace(rhs);
        for (int a = 0; a < k; a++) {
            Vec.axpy(-rhs[a], hInvC, a * r, sol, 0, r);
        }
        System.arraycopy(rhs, 0, sol, r, k);
        return sol;
    }
}
