package io.foldopt.qp;

import io.foldopt.linalg.DenseLU;
import java.util.Arrays;

/**
 * The primal active-set method (Nocedal and Wright, Algorithm 16.3) for the strictly convex QP
 * {@code min_d 1/2 d^T H d + g^T d  s.t.  C d <= s} with {@code H (r x r)} positive definite and
 * {@code s >= 0}, so that {@code d = 0} is feasible: the QP subproblem of {@link PolyhedralSqp} in the null
 * space of the equalities.
 *
 * <p>From {@code d = 0} and a working set {@code W} (a warm start: the previous working set, restricted to the
 * constraints with slack about 0; the step keeps their slack), each iteration solves the equality-constrained QP
 * on {@code W}, {@code [H C_W^T; C_W 0] [p; mu] = [-(H d + g); 0]}, by LU. If {@code d + p} is feasible it becomes the iterate,
 * and it is optimal if {@code mu >= 0}; otherwise the constraint with the most negative multiplier leaves
 * {@code W}. If a constraint blocks the step, {@code d} moves to it and it joins {@code W}. A blocking constraint
 * is never in the span of {@code C_W} ({@code C_W p = 0 < C_i p}), so {@code W} stays linearly independent and the
 * KKT matrix nonsingular; the objective decreases strictly along nonzero steps. The solution is exact up to
 * rounding (one direct solve), and with a warm start near convergence of SQP it takes one or two iterations.
 */
final class ActiveSetQp {
    /** A multiplier above {@code -NEGATIVE_TOLERANCE (1 + ||g||_inf)} counts as nonnegative. */
    private static final double NEGATIVE_TOLERANCE = 1e-13;
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
     * @param g the linear term {@code (r)}
     * @param c the constraint matrix {@code C (m x r)}, row-major
     * @param s the right-hand side {@code (m)}, nonnegative
     * @param warm constraints to start the working set with (those whose slack is not about 0 are ignored)
     * @param maxIterations the iteration limit
     * @return the solution, or null if the limit is reached or a KKT matrix is singular (numerically)
     */
    static Solution solve(double[] h, double[] g, double[] c, double[] s, int[] warm, int maxIterations) {
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
        for (int it = 0; it < maxIterations; it++) {
            int size = r + k;
            double[] kkt = new double[size * size];
            double[] rhs = new double[size];
            for (int i = 0; i < r; i++) {
                System.arraycopy(h, i * r, kkt, i * size, r);
                double hd = 0;
                for (int j = 0; j < r; j++) {
                    hd += h[i * r + j] * d[j];
                }
                rhs[i] = -(hd + g[i]);
            }
            for (int w = 0; w < k; w++) {
                int row = working[w];
                for (int j = 0; j < r; j++) {
                    kkt[(r + w) * size + j] = c[row * r + j];
                    kkt[j * size + r + w] = c[row * r + j];
                }
            }
            DenseLU lu = DenseLU.factor(kkt, size);
            if (lu.isSingular()) {
                return null;
            }
            double[] sol = lu.solve(rhs);
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
        }
        return null;
    }
}
