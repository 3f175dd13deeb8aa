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
 * on {@code W}, {@code [H C_W^T; C_W 0] [p; mu] = [-(H d + g); e]}, by the Schur complement
 * {@code C_W H^{-1} C_W^T}. {@code e = 0} keeps the working constraints' values; only one that rounding errors left
 * violated ({@code c_i^T d > s_i}: an ill-conditioned Schur complement amplifies them) gets
 * {@code e_i = s_i - c_i^T d} and is brought back to its bound, so that they do not accumulate over the iterations
 * (nor over the SQP's iterations, which would keep a violated working constraint violated). The caller's Cholesky
 * factor of {@code H} gives {@code H^{-1} g} once, and {@code H^{-1} c_i} and the Schur complement's row
 * {@code c_i^T H^{-1} C_W^T} once per constraint joining {@code W}; {@code C d} is updated with {@code d}; so an
 * iteration costs {@code O(m r + k^3)}. If {@code d + p} is feasible it becomes the iterate, and it is optimal if
 * {@code mu >= 0}; otherwise the constraint with the most negative multiplier leaves {@code W}. If a constraint
 * blocks the step, {@code d} moves to it and it joins {@code W}. A blocking constraint is never in the span of
 * {@code C_W} ({@code C_W p = 0 < C_i p}), so {@code W} stays linearly independent and the Schur complement
 * positive definite; the objective decreases strictly along nonzero steps. The solution is exact up to rounding
 * (direct solves), and with a warm start near convergence of SQP it takes one or two iterations.
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
     * @param hFactor the Cholesky factorization of {@code H (r x r)}, symmetric positive definite
     * @param g the linear term {@code (r)}
     * @param c the constraint matrix {@code C (m x r)}, row-major
     * @param s the right-hand side {@code (m)}, nonnegative
     * @param warm constraints to start the working set with (those whose slack is not about 0 are ignored)
     * @param maxIterations the iteration limit
     * @return the solution, or null if the limit is reached or a KKT matrix is singular (numerically)
     */
    static Solution solve(Cholesky hFactor, double[] g, double[] c, double[] s, int[] warm,
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
        double gScale = 1.0;
        for (double v : g) {
            gScale = Math.max(gScale, Math.abs(v));
        }
        // Row i of hInvC holds H^{-1} c_i and row i of schur the entries c_i^T H^{-1} c_j, j in W, computed when
        // constraint i joins W.
        double[] hInvC = new double[m * r];
        double[] schur = new double[m * m];
        for (int i : warm) {
            if (s[i] <= warmSlack && !inW[i]) {
                inW[i] = true;
                working[k++] = i;
                join(hFactor, c, i, r, m, working, k, hInvC, schur);
            }
        }
        // u = -H^{-1} (H d + g) = -(d + H^{-1} g); cd_i = c_i^T d, updated with d.
        double[] hInvG = hFactor.solve(g);
        double[] cd = new double[m];
        double[] cp = new double[m];
        for (int it = 0; it < maxIterations; it++) {
            double[] sol = equalityStep(hInvG, c, s, d, working, k, hInvC, schur, m);
            if (sol == null) {
                return null;
            }
            double alpha = 1.0;
            int blocking = -1;
            for (int i = 0; i < m; i++) {
                if (inW[i]) {
                    continue;
                }
                cp[i] = Vec.dot(c, i * r, sol, 0, r);
                if (cp[i] > 0) {
                    double ratio = Math.max(0.0, (s[i] - cd[i]) / cp[i]);
                    if (ratio < alpha) {
                        alpha = ratio;
                        blocking = i;
                    }
                }
            }
            Vec.axpy(alpha, sol, 0, d, 0, r);
            for (int i = 0; i < m; i++) {
                if (!inW[i]) {
                    cd[i] += alpha * cp[i];
                }
            }
            if (blocking >= 0) {
                inW[blocking] = true;
                working[k++] = blocking;
                join(hFactor, c, blocking, r, m, working, k, hInvC, schur);
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
            int left = working[leaving];
            inW[left] = false;
            cd[left] = Vec.dot(c, left * r, d, 0, r);
            working[leaving] = working[--k];
        }
        return null;
    }

    /**
     * Constraint {@code i}, the last of the {@code k} in {@code working}, joins: writes {@code H^{-1} c_i} into row
     * {@code i} of {@code hInvC} and {@code c_i^T H^{-1} c_j} for the working {@code j} into row and column
     * {@code i} of {@code schur} ({@code m x m}).
     */
    private static void join(Cholesky hFactor, double[] c, int i, int r, int m, int[] working, int k, double[] hInvC,
            double[] schur) {
        double[] y = Arrays.copyOfRange(c, i * r, (i + 1) * r);
        hFactor.solveInPlace(y);
        System.arraycopy(y, 0, hInvC, i * r, r);
        for (int w = 0; w < k; w++) {
            int j = working[w];
            double v = Vec.dot(c, j * r, hInvC, i * r, r);
            schur[i * m + j] = v;
            schur[j * m + i] = v;
        }
    }

    /**
     * Solves the equality-constrained step {@code [H C_W^T; C_W 0] [p; mu] = [-(H d + g); e]} by the Schur
     * complement, with {@code e_i = min(0, s_i - c_i^T d)}: the working constraints keep their value, except that
     * one violated by rounding errors (of earlier steps, or of the caller's slack) is brought back to its bound.
     * With {@code u = -H^{-1} (H d + g) = -(d + H^{-1} g)} and {@code Y = H^{-1} C_W^T} (rows of {@code hInvC}),
     * {@code (C_W Y) mu = C_W u - e} (Cholesky; {@code C_W Y} from the kept entries of {@code schur}) and
     * {@code p = u - Y mu}.
     *
     * @return {@code (p, mu)}, or null if {@code C_W Y} is numerically singular ({@code C_W} rank deficient)
     */
    private static double[] equalityStep(double[] hInvG, double[] c, double[] slack, double[] d, int[] working,
            int k, double[] hInvC, double[] schur, int m) {
        int r = hInvG.length;
        double[] sol = new double[r + k];
        for (int i = 0; i < r; i++) {
            sol[i] = -(d[i] + hInvG[i]);
        }
        if (k == 0) {
            return sol;
        }
        double[] s = new double[k * k];
        double[] rhs = new double[k];
        double maxDiag = 0;
        for (int a = 0; a < k; a++) {
            int row = working[a];
            for (int b = 0; b <= a; b++) {
                s[a * k + b] = schur[row * m + working[b]];
            }
            maxDiag = Math.max(maxDiag, s[a * k + a]);
            rhs[a] = Vec.dot(c, row * r, sol, 0, r) - Math.min(0.0, slack[row] - Vec.dot(c, row * r, d, 0, r));
        }
        Cholesky sFactor = Cholesky.factor(s, k, 0.0, SINGULAR_PIVOT * maxDiag);
        if (!sFactor.isPositiveDefinite()) {
            return null;
        }
        sFactor.solveInPlace(rhs);
        for (int a = 0; a < k; a++) {
            Vec.axpy(-rhs[a], hInvC, working[a] * r, sol, 0, r);
        }
        System.arraycopy(rhs, 0, sol, r, k);
        return sol;
    }
}
