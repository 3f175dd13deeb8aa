package io.foldopt.qp;

import io.foldopt.linalg.DenseLU;
import io.foldopt.linalg.Vec;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The KKT matrix of a QP with a fixed set {@code S} of active inequalities, in the variables
 * {@code (z, nu, lambda_S)}:
 *
 * <pre>
 *   K_S = [ P    A^T  G_S^T ]
 *         [ A    0    0     ]
 *         [ G_S  0    0     ]
 * </pre>
 *
 * <p>{@code K_S} is symmetric, and nonsingular exactly when the rows of {@code [A; G_S]} are linearly
 * independent (LICQ) and {@code P} is positive definite on their null space (second-order sufficiency).
 * It serves the polish step of {@link InteriorPointQpSolver} (solve {@code K_S (z, nu, lambda_S) =
 * (-q, b, h_S)}) and the KKT differentiation of {@link DifferentiableQp}.
 *
 * <p>It is equilibrated symmetrically, {@code K~ = S K_S S} with {@code S} diagonal (Ruiz sweeps in powers of
 * two, so that every row of {@code K~} has infinity norm about 1), and {@code K~} is factored by {@link DenseLU};
 * solves are refined against {@code K_S} itself. The equilibration makes a badly scaled but well-posed system
 * (constraints or variables in very different units) as accurate as a well-scaled one, and the
 * {@link #conditionNumber() condition estimate} of {@code K~} measures what scaling cannot fix. If {@code K~}
 * is singular, a regularized factorization may be requested: solves then return the Tikhonov-regularized
 * least-squares solution
 * {@code x = argmin ||K_S x - r||^2 + eps^2 ||x||^2 = (K_S^2 + eps^2 I)^{-1} K_S r}, computed from the
 * augmented system {@code [eps I, K_S; K_S, -eps I] (x, y) = (0, r)} (whose condition number is
 * {@code ||K_S|| / eps}, the square root of that of the normal equations). Components of {@code r} along
 * null vectors of {@code K_S} are dropped, so an inconsistent right-hand side still gives a bounded
 * solution, which tends to the minimum-norm least-squares solution {@code K_S^+ r} as {@code eps -> 0}.
 */
final class ActiveSetKkt implements KktSystem {
    /** Ruiz sweeps of the equilibration at most. */
    private static final int SWEEPS = 20;
    /** Steps of iterative refinement against {@code K_S}. */
    private static final int REFINEMENTS = 2;
    /** A solve whose relative error bound (condition times backward error) is below this is not refined. */
    private static final double REFINED_ERROR = 1e-13;

    private final int dim;
    private final double[] k;
    /** {@code ||K_S||_inf}. */
    private final double normK;
    /** The equilibration {@code S}. */
    private final double[] scale;
    private final DenseLU lu;
    private final boolean regularized;
    private final double condition;

    private ActiveSetKkt(int dim, double[] k, double[] scale, DenseLU lu, boolean regularized, double condition) {
        this.dim = dim;
        this.k = k;
        this.normK = Dense.normInf(k, dim, dim);
        this.scale = scale;
        this.lu = lu;
        this.regularized = regularized;
        this.condition = condition;
    }

    /**
     * Builds and factors {@code K_S}.
     *
     * @param problem the QP
     * @param active the indices {@code S} of the active inequalities
     * @param regularization relative Tikhonov parameter: {@code eps = regularization * max(1, max |K_ij|)};
     *     0 for none
     * @return the factorization, or null if {@code K_S} is singular and {@code regularization} is 0
     */
    static ActiveSetKkt factor(QpProblem problem, int[] active, double regularization) {
        int n = problem.n;
        int p = problem.p;
        int dim = n + p + active.length;
        double[] k = new double[dim * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(problem.pm, i * n, k, i * dim, n);
        }
        for (int r = 0; r < p + active.length; r++) {
            double[] src = r < p ? problem.a : problem.g;
            int off = (r < p ? r : active[r - p]) * n;
            int row = n + r;
            for (int j = 0; j < n; j++) {
                k[row * dim + j] = src[off + j];
                k[j * dim + row] = src[off + j];
            }
        }
        double[] scale = equilibration(k, dim);
        double[] ks = new double[dim * dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                ks[i * dim + j] = scale[i] * k[i * dim + j] * scale[j];
            }
        }
        DenseLU lu = DenseLU.factor(ks, dim);
        if (!lu.isSingular()) {
            return new ActiveSetKkt(dim, k, scale, lu, false, lu.conditionEstimate());
        }
        if (!(regularization > 0)) {
            return null;
        }
        double eps = regularization * Math.max(1.0, Vec.normInf(ks));
        int two = 2 * dim;
        double[] aug = new double[two * two];
        for (int i = 0; i < dim; i++) {
            aug[i * two + i] = eps;
            aug[(dim + i) * two + dim + i] = -eps;
            System.arraycopy(ks, i * dim, aug, i * two + dim, dim);
            System.arraycopy(ks, i * dim, aug, (dim + i) * two, dim);
        }
        DenseLU augLu = DenseLU.factor(aug, two);
        return augLu.isSingular() ? null
                : new ActiveSetKkt(dim, k, scale, augLu, true, Double.POSITIVE_INFINITY);
    }

    /**
     * @return the diagonal {@code S} (powers of two) after Ruiz sweeps {@code S <- S / sqrt(||row_i(S K S)||_inf)}
     *     on the symmetric {@code K}, until no factor changes; a zero row keeps factor 1
     */
    private static double[] equilibration(double[] k, int dim) {
        double[] scale = new double[dim];
        Arrays.fill(scale, 1.0);
        // The nonzero columns of each row: the blocks of K_S are mostly zeros (P = I, the (2, 2) zero block).
        int[][] nonzero = new int[dim][];
        int[] buffer = new int[dim];
        for (int i = 0; i < dim; i++) {
            int count = 0;
            for (int j = 0; j < dim; j++) {
                if (k[i * dim + j] != 0) {
                    buffer[count++] = j;
                }
            }
            nonzero[i] = Arrays.copyOf(buffer, count);
        }
        double[] factor = new double[dim];
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            boolean changed = false;
            for (int i = 0; i < dim; i++) {
                // The scales are powers of two, so scale_i max_j |k_ij| scale_j is exact.
                double norm = 0;
                for (int j : nonzero[i]) {
                    norm = Math.max(norm, Math.abs(k[i * dim + j]) * scale[j]);
                }
                norm *= scale[i];
                factor[i] = norm > 0 && Double.isFinite(norm)
                        ? Math.scalb(1.0, -(int) Math.round(Math.log(norm) / Math.log(2) / 2)) : 1.0;
                changed |= factor[i] != 1;
            }
            if (!changed) {
                break;
            }
            for (int i = 0; i < dim; i++) {
                scale[i] *= factor[i];
            }
        }
        return scale;
    }

    /** Rounds of active-set correction in {@link #polish}. */
    private static final int MAX_CORRECTIONS = 3;

    /**
     * Polishes an active-set guess: solves {@code K_S (z, nu, lambda_S) = (-q, b, h_S)}, then, up to
     * {@value #MAX_CORRECTIONS} times, moves the inequalities of {@code S} whose multiplier came out below
     * {@code -tol} out of {@code S} and the violated ones outside ({@code h_i - g_i^T z < -tol}) into it, and
     * solves again (steps of a primal-dual active-set method, which fix the few constraints an interior-point
     * iterate cannot classify yet).
     *
     * @param guess the initial active set
     * @param tol the sign tolerance of multipliers and slacks
     * @return {@code {z, nu, lambda}} of the last nonsingular solve, with {@code lambda} 0 off {@code S} and
     *     clipped at 0 on it; null if the first {@code K_S} is singular or its solution not finite
     */
    static double[][] polish(QpProblem problem, int[] guess, double tol) {
        int n = problem.n;
        int p = problem.p;
        boolean[] inSet = new boolean[problem.m];
        for (int i : guess) {
            inSet[i] = true;
        }
        double[][] point = null;
        for (int round = 0; round <= MAX_CORRECTIONS; round++) {
            int[] active = IntStream.range(0, problem.m).filter(i -> inSet[i]).toArray();
            ActiveSetKkt kkt = factor(problem, active, 0.0);
            if (kkt == null) {
                break;
            }
            double[] r = new double[kkt.dim];
            for (int j = 0; j < n; j++) {
                r[j] = -problem.q[j];
            }
            System.arraycopy(problem.b, 0, r, n, p);
            for (int k = 0; k < active.length; k++) {
                r[n + p + k] = problem.h[active[k]];
            }
            double[] y = kkt.solve(r);
            if (!Vec.allFinite(y)) {
                break;
            }
            double[] z = Arrays.copyOf(y, n);
            double[] lambda = new double[problem.m];
            boolean changed = false;
            for (int k = 0; k < active.length; k++) {
                double l = y[n + p + k];
                lambda[active[k]] = Math.max(0.0, l);
                if (l < -tol) {
                    inSet[active[k]] = false;
                    changed = true;
                }
            }
            double[] slack = problem.slacks(z);
            for (int i = 0; i < problem.m; i++) {
                if (!inSet[i] && lambda[i] == 0 && slack[i] < -tol) {
                    inSet[i] = true;
                    changed = true;
                }
            }
            point = new double[][] {z, Arrays.copyOfRange(y, n, n + p), lambda};
            if (!changed) {
                break;
            }
        }
        return point;
    }

    /** @return whether the solves are Tikhonov-regularized because {@code K_S} is singular */
    @Override
    public boolean regularized() {
        return regularized;
    }

    /**
     * @return the estimate {@link DenseLU#conditionEstimate()} of the 1-norm condition number of the equilibrated
     *     {@code K~}; infinity if it is numerically singular (and the solves regularized)
     */
    @Override
    public double conditionNumber() {
        return condition;
    }

    /**
     * @param r the right-hand side in the order {@code (z, nu, lambda_S)}
     * @return {@code K_S^{-1} r} ({@code S K~^{-1} S r}, then, unless its error bound {@code kappa beta} is
     *     already below {@code 1e-13}, with {@code beta = ||r - K_S x||_inf / (||K_S||_inf ||x||_inf + ||r||_inf)}
     *     the normwise backward error and {@code kappa} the {@link #conditionNumber() condition estimate}, up to
     *     {@value #REFINEMENTS} steps of iterative refinement against {@code K_S}, each kept only if it shrinks the
     *     residual), or the regularized least-squares solution {@code S y} of the equilibrated system if
     *     {@link #regularized()}
     */
    @Override
    public double[] solve(double[] r) {
        if (regularized) {
            double[] rhs = new double[2 * dim];
            for (int i = 0; i < dim; i++) {
                rhs[dim + i] = scale[i] * r[i];
            }
            double[] y = lu.solve(rhs);
            double[] x = new double[dim];
            for (int i = 0; i < dim; i++) {
                x[i] = scale[i] * y[i];
            }
            return x;
        }
        double[] x = scaledSolve(r);
        double[] res = residual(r, x);
        double best = Vec.normInf(res);
        if (condition * best <= REFINED_ERROR * (normK * Vec.normInf(x) + Vec.normInf(r))) {
            return x;
        }
        for (int it = 0; it < REFINEMENTS && best > 0; it++) {
            double[] dx = scaledSolve(res);
            double[] next = x.clone();
            Vec.axpy(1.0, dx, 0, next, 0, dim);
            double[] nextRes = residual(r, next);
            double norm = Vec.normInf(nextRes);
            if (!(norm < best)) {
                break;
            }
            x = next;
            res = nextRes;
            best = norm;
        }
        return x;
    }

    /** @return {@code S K~^{-1} S v} */
    private double[] scaledSolve(double[] v) {
        double[] y = new double[dim];
        for (int i = 0; i < dim; i++) {
            y[i] = scale[i] * v[i];
        }
        lu.solveInPlace(y);
        for (int i = 0; i < dim; i++) {
            y[i] *= scale[i];
        }
        return y;
    }

    /** @return {@code r - K_S x} */
    private double[] residual(double[] r, double[] x) {
        double[] res = new double[dim];
        for (int i = 0; i < dim; i++) {
            res[i] = r[i] - Vec.dot(k, i * dim, x, 0, dim);
        }
        return res;
    }
}
