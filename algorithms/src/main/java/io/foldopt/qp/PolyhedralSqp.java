package io.foldopt.qp;

import io.foldopt.algorithms.FixedPointIteration;
import io.foldopt.algorithms.Polyhedron;
import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.algorithms.SmoothObjective;
import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.autodiff.VjpPlan;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.DenseLU;
import io.foldopt.linalg.HouseholderQr;
import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A local solver for smooth, possibly nonconvex objectives over a polyhedron,
 * {@code min_x f(x, c)  s.t.  A x = b,  G x <= h}, that returns a KKT point to a tight tolerance: a fixed
 * point of the projected-gradient map {@code U(x, c) = Proj_C(x - alpha grad f(x, c))} for every
 * {@code alpha > 0}, so it serves as the forward solver of a folded {@link ProjectedGradient} of variant (b)
 * (projection through {@link Polyhedron#projection}). It is not an update map itself: fold it with the PGD step.
 *
 * <p><b>Method</b>: a feasible, null-space SQP. With the QR factorization {@code A^T = [Q_1 Q_2] [R; 0]}
 * ({@code A} of full row rank {@code p < n}), every iterate is {@code x = x_p + Z w} with {@code Z = Q_2} and
 * the least-norm solution {@code x_p = Q_1 R^{-T} b}, so the equalities hold exactly. The start
 * (by default {@code x_p}) is projected once onto {@code C}. Each iteration, at a feasible {@code x}:
 * <ol>
 *   <li>reduced gradient and Hessian {@code g_r = Z^T grad f}, {@code H_r = Z^T (grad^2 f) Z}, convexified as
 *       {@code H_c = H_r + tau I} with the smallest {@code tau} of the sequence {@code 0, beta - min_i H_ii,
 *       2 tau, ...} ({@code beta = 1e-3 max(1, max |H_ii|)}) for which a Cholesky factorization succeeds
 *       (Nocedal and Wright, Algorithm 3.3), so that the QP is strictly convex;</li>
 *   <li>the QP step {@code min_d 1/2 d^T H_c d + g_r^T d  s.t.  G Z d <= h - G x}, with multipliers
 *       {@code lambda}, by a primal active-set method warm-started from the previous iteration's working set
 *       ({@link ActiveSetQp}: exact up to rounding, usually one or two KKT solves once the active set settles;
 *       the interior-point {@link QpSolver} is the fallback should it fail); then
 *       {@code nu = -R^{-1} Q_1^T (grad f + G^T lambda)} (exact at a KKT point);</li>
 *   <li>stop if the KKT residual at {@code (x, nu, lambda)} is at most {@code tol max(1, ||grad f||_inf)};</li>
 *   <li>Armijo backtracking on {@code f} itself along {@code x + t Z d}: {@code x} and {@code x + Z d} are
 *       feasible, so every trial point is, and {@code f} is an exact merit function. The test allows a
 *       rounding slack of {@code 1e-14 (1 + |f|)}, so that steps far below the resolution of {@code f} near
 *       the solution are still taken.</li>
 * </ol>
 * {@code Z^T grad f^T d <= -1/2 d^T H_c d < 0} for {@code d != 0}, so every QP step is a descent direction.
 * When {@code tau = 0} near the solution the step is Newton's and convergence is quadratic; when the full
 * reduced Hessian is indefinite but positive definite on the active constraints' null space, {@code tau > 0}
 * slows it to linear, so an <b>active-set polish</b> finishes: once the KKT residual is below
 * {@code 1e-4 max(1, ||grad f||_inf)}, the QP's working set {@code W} is fixed and Newton's method with the exact
 * Hessian is run on {@code Z^T grad f(x) + (G_W Z)^T lambda_W = 0, G_W x = h_W}; its point is accepted if it meets
 * the tolerance (feasibility and {@code lambda >= 0} included) without increasing {@code f}, which gives residuals
 * at the level of rounding errors; otherwise SQP continues.
 *
 * <p>The KKT residual is the largest of the infinity norms of {@code grad f + A^T nu + G^T lambda},
 * {@code A x - b}, {@code max(G x - h, 0)}, {@code max(-lambda, 0)} and {@code lambda_i (h - G x)_i}. Instances
 * are solved in parallel; an instance that does not converge, whose QP fails or whose line search fails throws
 * an {@link ArithmeticException} naming it.
 */
public final class PolyhedralSqp {
    private static final String NAME = "polyhedral SQP";
    private static final double ARMIJO = 1e-4;
    private static final double ROUNDING_SLACK = 1e-14;
    private static final double MIN_STEP = 1e-12;
    private static final double POLISH_START = 1e-4;
    private static final int POLISH_ITERATIONS = 10;
    /** The active-set QP may take this many iterations per variable and constraint. */
    private static final int ACTIVE_SET_ITERATIONS = 4;
    /** Relative margin (to {@code ||H|| + tau}) by which a shift must be indefinite to be skipped in convexify. */
    private static final double SKIP_MARGIN = 1e-10;


    /** An objective {@code f(x, c)} of one instance on plain arrays, with its first and second derivatives. */
    public interface Objective {
        /** @return {@code f(x, c)}; {@code c} are the instance's parameter rows */
        double value(double[] x, double[][] c);

        /** Writes {@code grad_x f(x, c)} ({@code n}) into {@code out}. */
        void gradient(double[] x, double[][] c, double[] out);

        /** Writes the Hessian {@code grad_x^2 f(x, c)} ({@code n x n}, row-major, symmetric) into {@code out}. */
        void hessian(double[] x, double[][] c, double[] out);

        /**
         * @return the objective of a {@link SmoothObjective} on one instance: the value and the Hessian by
         *     foldopt's autodiff ({@code n} VJPs of the recorded gradient), the gradient by
         *     {@link SmoothObjective#gradient(double[], double[][], double[])}
         */
        static Objective of(SmoothObjective f) {
            return new Objective() {
                @Override
                public double value(double[] x, double[][] c) {
                    return GradMode.noGrad(() -> f.value(row(x), rows(c)).sum()).item();
                }

                @Override
                public void gradient(double[] x, double[][] c, double[] out) {
                    f.gradient(x, c, out);
                }

                @Override
                public void hessian(double[] x, double[][] c, double[] out) {
                    int n = x.length;
                    GradMode.withGrad(() -> {
                        Var leaf = Var.param(Tensor.of(x, 1, n));
                        VjpPlan plan = Autodiff.plan(new Var[] {f.gradient(leaf, rows(c))}, new Var[] {leaf});
                        for (int i = 0; i < n; i++) {
                            double[] e = new double[n];
                            e[i] = 1.0;
                            System.arraycopy(plan.apply(Tensor.wrap(e, 1, n))[0].data(), 0, out, i * n, n);
                        }
                        return null;
                    });
                }
            };
        }

        private static Var row(double[] v) {
            return Var.constant(Tensor.of(v, 1, v.length));
        }

        private static Var[] rows(double[][] c) {
            Var[] out = new Var[c.length];
            for (int i = 0; i < c.length; i++) {
                out[i] = row(c[i]);
            }
            return out;
        }
    }

    /**
     * A KKT point of one instance.
     *
     * @param x the solution {@code (n)}
     * @param nu the equality multipliers {@code (p)}
     * @param lambda the inequality multipliers {@code (m)}, nonnegative up to the residual
     * @param iterations SQP iterations (QP solves)
     * @param kktResidual the (absolute) KKT residual of {@code (x, nu, lambda)}
     * @param polished whether the active-set polish produced the point
     */
    public record Result(double[] x, double[] nu, double[] lambda, int iterations, double kktResidual,
            boolean polished) {}

    private final int n;
    private final int p;
    private final int m;
    /** Free dimensions {@code r = n - p}. */
    private final int r;
    private final Objective f;
    private final QpSolver qp;
    private final double[] a;
    private final double[] b;
    private final double[] g;
    private final double[] h;
    /** {@code Q_1 (n x p)}, row-major. */
    private final double[] q1;
    /** {@code R (p x p)}, upper triangular, row-major. */
    private final double[] rr;
    /** {@code Z = Q_2 (n x r)}, row-major. */
    private final double[] z;
    /** {@code Z^T (r x n)}, row-major. */
    private final double[] zt;
    /** {@code G Z (m x r)}, row-major. */
    private final double[] gz;
    /** The feasible start. */
    private final double[] x0;

    /**
     * @param f the objective
     * @param set the feasible polyhedron; {@code A} must have full row rank {@code p < n}
     * @param start the start {@code (n)} (projected onto the set), or null for the least-norm solution of
     *     {@code A x = b}
     * @param qp the QP solver that projects the start and backs up the active-set method on the subproblems
     * @throws IllegalArgumentException if {@code A} is rank deficient or {@code p >= n}, the start has the wrong
     *     size or is not finite, or the polyhedron is empty
     */
    public PolyhedralSqp(Objective f, Polyhedron set, Tensor start, QpSolver qp) {
        this.f = f;
        this.qp = qp;
        this.n = set.dim();
        this.p = set.equalities();
        this.m = set.inequalities();
        this.r = n - p;
        if (r < 1) {
            throw new IllegalArgumentException(NAME + ": needs fewer equalities than variables, got p = " + p
                    + ", n = " + n);
        }
        this.a = p == 0 ? new double[0] : set.a().data();
        this.b = p == 0 ? new double[0] : set.b().data();
        this.g = m == 0 ? new double[0] : set.g().data();
        this.h = m == 0 ? new double[0] : set.h().data();
        double[][] qr = nullSpaceBasis();
        this.q1 = qr[0];
        this.rr = qr[1];
        this.z = qr[2];
        this.zt = Dense.transpose(z, n, r);
        this.gz = new double[m * r];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < n; k++) {
                Vec.axpy(g[i * n + k], z, k * r, gz, i * r, r);
            }
        }
        if (start != null && (start.size() != n || !start.isFinite())) {
            throw new IllegalArgumentException(NAME + ": start must be a finite vector of size " + n);
        }
        this.x0 = feasibleStart(start);
    }

    /** A solver of a {@link SmoothObjective} with the default {@link InteriorPointQpSolver} and start. */
    public PolyhedralSqp(SmoothObjective f, Polyhedron set) {
        this(Objective.of(f), set, null, new InteriorPointQpSolver());
    }

    /** @return the feasible start of every instance (a copy) */
    public double[] start() {
        return x0.clone();
    }

    /**
     * @param tol KKT tolerance (relative to {@code max(1, ||grad f||_inf)})
     * @param maxIterations SQP iteration limit per instance
     * @return a forward solver from the parameters {@code c_i (B, p_i)} to the solutions {@code (B, n)}, instances
     *     in parallel
     * @throws ArithmeticException (from the solver) naming the first instance that fails
     */
    public ForwardSolver solver(double tol, int maxIterations) {
        ForwardSolver batched = ForwardSolver.perInstance((k, c) -> solve(k, c, tol, maxIterations).x());
        return params -> {
            FixedPointIteration.checkParams(NAME, params);
            return batched.solve(params);
        };
    }

    /**
     * Solves one instance (see the class comment).
     *
     * @param instance the instance's index, for messages
     * @param c the instance's parameter rows
     * @param tol KKT tolerance (relative to {@code max(1, ||grad f||_inf)})
     * @param maxIterations SQP iteration limit
     * @return the KKT point with its multipliers
     * @throws ArithmeticException naming the instance if a QP fails, the line search fails, a value is not finite
     *     or the tolerance is not met in {@code maxIterations} iterations
     */
    public Result solve(int instance, double[][] c, double tol, int maxIterations) {
        double[] x = x0.clone();
        double[] grad = new double[n];
        double[] hess = new double[n * n];
        double[] trial = new double[n];
        int[] working = new int[0];
        double residual = Double.NaN;
        for (int it = 0; it < maxIterations; it++) {
            double fx = f.value(x, c);
            f.gradient(x, c, grad);
            f.hessian(x, c, hess);
            if (!Double.isFinite(fx) || !Vec.allFinite(grad) || !Vec.allFinite(hess)) {
                throw new ArithmeticException(NAME + " failed on instance " + instance + ": non-finite objective,"
                        + " gradient or Hessian at iteration " + it);
            }
            double[] gr = reduce(grad);
            double[] hr = reducedHessian(hess);
            Cholesky hFactor = convexify(hr, r);
            double[] slack = slacks(x);
            ActiveSetQp.Solution step = subproblem(hr, hFactor, gr, slack, working, instance, it);
            working = step.working();
            double[] lambda = step.lambda();
            double[] nu = equalityMultipliers(grad, lambda);
            double scale = Math.max(1.0, Vec.normInf(grad));
            residual = kktResidual(x, grad, nu, lambda);
            if (residual <= tol * scale) {
                return new Result(x, nu, lambda, it, residual, false);
            }
            if (residual <= POLISH_START * scale) {
                Result polished = polish(x, fx, c, working, tol, it);
                if (polished != null) {
                    return polished;
                }
            }
            double[] d = expand(step.d());
            double slope = Vec.dot(grad, d);
            double t = 1.0;
            while (true) {
                for (int j = 0; j < n; j++) {
                    trial[j] = x[j] + t * d[j];
                }
                double ft = f.value(trial, c);
                if (ft <= fx + ARMIJO * t * slope + ROUNDING_SLACK * (1 + Math.abs(fx))) {
                    break;
                }
                t *= 0.5;
                if (t < MIN_STEP) {
                    throw new ArithmeticException(NAME + " failed on instance " + instance + ": line search failed"
                            + " at iteration " + it + " (KKT residual " + residual + ")");
                }
            }
            System.arraycopy(trial, 0, x, 0, n);
        }
        throw new ArithmeticException(NAME + " did not converge on instance " + instance + ": KKT residual "
                + residual + " after " + maxIterations + " iterations (tolerance " + tol + ")");
    }

    /**
     * Newton's method on the KKT conditions of the working set {@code W} with the exact Hessian, from a feasible
     * {@code x} near a KKT point.
     *
     * @return the KKT point if it meets the tolerance without increasing {@code f}, else null
     */
    private Result polish(double[] start, double fStart, double[][] c, int[] working, double tol, int iterations) {
        int k = working.length;
        int size = r + k;
        double[] x = start.clone();
        double[] grad = new double[n];
        double[] hess = new double[n * n];
        double previous = Double.POSITIVE_INFINITY;
        for (int it = 0; it < POLISH_ITERATIONS; it++) {
            f.gradient(x, c, grad);
            f.hessian(x, c, hess);
            double[] hr = reducedHessian(hess);
            double[] kkt = new double[size * size];
            double[] rhs = new double[size];
            double[] gr = reduce(grad);
            for (int i = 0; i < r; i++) {
                System.arraycopy(hr, i * r, kkt, i * size, r);
                rhs[i] = -gr[i];
            }
            for (int s = 0; s < k; s++) {
                int row = working[s];
                for (int j = 0; j < r; j++) {
                    kkt[(r + s) * size + j] = gz[row * r + j];
                    kkt[j * size + r + s] = gz[row * r + j];
                }
                rhs[r + s] = h[row] - Vec.dot(g, row * n, x, 0, n);
            }
            DenseLU lu = DenseLU.factor(kkt, size);
            if (lu.isSingular()) {
                return null;
            }
            double[] sol = lu.solve(rhs);
            double[] dx = expand(sol);
            for (int j = 0; j < n; j++) {
                x[j] += dx[j];
            }
            double[] lambda = new double[m];
            for (int s = 0; s < k; s++) {
                lambda[working[s]] = sol[r + s];
            }
            f.gradient(x, c, grad);
            double[] nu = equalityMultipliers(grad, lambda);
            double residual = kktResidual(x, grad, nu, lambda);
            if (!Double.isFinite(residual) || residual > previous) {
                return null;
            }
            if (residual <= tol * Math.max(1.0, Vec.normInf(grad))) {
                double fx = f.value(x, c);
                return fx <= fStart + ROUNDING_SLACK * (1 + Math.abs(fStart))
                        ? new Result(x, nu, lambda, iterations, residual, true) : null;
            }
            previous = residual;
        }
        return null;
    }

    /**
     * @return the QP step {@code min 1/2 d^T H_c d + g_r^T d s.t. G Z d <= slack} by the active-set method warm
     *     started from {@code working}, or by the interior-point {@link QpSolver} if that fails (its working set:
     *     the constraints with {@code lambda_i > slack_i} after the step)
     * @throws ArithmeticException naming the instance if both fail
     */
    private ActiveSetQp.Solution subproblem(double[] hc, Cholesky hcFactor, double[] gr, double[] slack,
            int[] working, int instance, int iteration) {
        ActiveSetQp.Solution step = ActiveSetQp.solve(hcFactor, gr, gz, slack, working,
                ACTIVE_SET_ITERATIONS * (m + r));
        if (step != null) {
            return step;
        }
        QpSolution sol = qp.solve(QpProblem.of(Tensor.wrap(hc, r, r), Tensor.wrap(gr, r), null, null,
                m == 0 ? null : Tensor.wrap(gz, m, r), m == 0 ? null : Tensor.wrap(slack, m)));
        if (sol.status() != Status.OPTIMAL) {
            throw new ArithmeticException(NAME + " failed on instance " + instance + ": the QP subproblem of"
                    + " iteration " + iteration + " ended " + sol.status());
        }
        int[] set = new int[m];
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (sol.lambda()[i] > slack[i] - Vec.dot(gz, i * r, sol.z(), 0, r)) {
                set[k++] = i;
            }
        }
        return new ActiveSetQp.Solution(sol.z(), sol.lambda(), Arrays.copyOf(set, k));
    }

    /**
     * Replaces the symmetric {@code H (r x r)} by {@code H + tau I}, with {@code tau} the first value of
     * {@code 0, beta - min_i H_ii, 2 tau, ...} for which the Cholesky factorization has pivots above
     * {@code 1e-8 max(1, max |H_ii|)}.
     *
     * <p>A failed factorization gives a direction {@code d} of low curvature ({@link Cholesky#lowCurvatureDirection});
     * its Rayleigh quotient {@code rho = d^T H d / d^T d >= lambda_min(H)} shows that {@code H + tau I} is not
     * positive definite for any {@code tau <= -rho}, so those values of the sequence are skipped without a
     * factorization: their factorizations would fail as well (with a margin of {@code 1e-10 ||H||} for the rounding
     * errors of a factorization, about {@code r^2} units in the last place of {@code ||H||}). The result is the same.
     *
     * @return the Cholesky factorization of {@code H + tau I}
     */
    static Cholesky convexify(double[] hr, int r) {
        double maxDiag = 1.0;
        double minDiag = Double.POSITIVE_INFINITY;
        for (int i = 0; i < r; i++) {
            maxDiag = Math.max(maxDiag, Math.abs(hr[i * r + i]));
            minDiag = Math.min(minDiag, hr[i * r + i]);
        }
        double norm = Dense.normInf(hr, r, r);
        double beta = 1e-3 * maxDiag;
        double pivot = 1e-8 * maxDiag;
        double tau = minDiag > pivot ? 0 : beta - minDiag;
        Cholesky factor = Cholesky.factor(hr, r, tau, pivot);
        while (!factor.isPositiveDefinite()) {
            double indefinite = -rayleighQuotient(hr, r, factor.lowCurvatureDirection());
            do {
                tau = Math.max(2 * tau, beta);
            } while (tau + SKIP_MARGIN * (norm + tau) < indefinite);
            factor = Cholesky.factor(hr, r, tau, pivot);
        }
        for (int i = 0; i < r; i++) {
            hr[i * r + i] += tau;
        }
        return factor;
    }

    /** @return {@code d^T H d / d^T d} for the symmetric {@code H (r x r)} */
    private static double rayleighQuotient(double[] hr, int r, double[] d) {
        double dhd = 0;
        for (int i = 0; i < r; i++) {
            dhd += d[i] * Vec.dot(hr, i * r, d, 0, r);
        }
        return dhd / Vec.dot(d, d);
    }

    /** @return {@code nu = -R^{-1} Q_1^T (grad + G^T lambda)}, the least-squares equality multipliers */
    private double[] equalityMultipliers(double[] grad, double[] lambda) {
        double[] v = grad.clone();
        for (int i = 0; i < m; i++) {
            Vec.axpy(lambda[i], g, i * n, v, 0, n);
        }
        double[] u = new double[p];
        for (int k = 0; k < n; k++) {
            Vec.axpy(v[k], q1, k * p, u, 0, p);
        }
        for (int i = p - 1; i >= 0; i--) {
            double s = u[i] - Vec.dot(rr, i * p + i + 1, u, i + 1, p - i - 1);
            u[i] = s / rr[i * p + i];
        }
        for (int i = 0; i < p; i++) {
            u[i] = -u[i];
        }
        return u;
    }

    /** @return the absolute KKT residual of {@code (x, nu, lambda)} (see the class comment) */
    private double kktResidual(double[] x, double[] grad, double[] nu, double[] lambda) {
        return QpProblem.kktResidual(grad, a, b, g, h, x, nu, lambda);
    }

    /** @return the start projected onto the polyhedron (within the affine set by construction) */
    private double[] feasibleStart(Tensor start) {
        double[] xp = new double[n];
        double[] y = new double[p];
        for (int i = 0; i < p; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= rr[k * p + i] * y[k];
            }
            y[i] = s / rr[i * p + i];
        }
        for (int k = 0; k < n; k++) {
            xp[k] = Vec.dot(q1, k * p, y, 0, p);
        }
        double[] w = new double[r];
        if (start != null) {
            double[] diff = start.data().clone();
            for (int j = 0; j < n; j++) {
                diff[j] -= xp[j];
            }
            w = reduce(diff);
        }
        double[] x = xp;
        Vec.axpy(1.0, expand(w), 0, x, 0, n);
        double[] slack = slacks(x);
        boolean feasible = true;
        for (double s : slack) {
            feasible &= s >= 0;
        }
        if (feasible) {
            return x;
        }
        // min 1/2 ||d||^2 s.t. G Z d <= h - G x: the projection of x onto the polyhedron, in the null space.
        QpSolution proj = qp.solve(QpProblem.of(Tensor.eye(r), Tensor.zeros(r), null, null, Tensor.wrap(gz, m, r),
                Tensor.wrap(slack, m)));
        if (proj.status() == Status.INFEASIBLE) {
            throw new IllegalArgumentException(NAME + ": the polyhedron {A x = b, G x <= h} is empty");
        }
        if (proj.status() != Status.OPTIMAL) {
            throw new IllegalArgumentException(NAME + ": projecting the start onto the polyhedron ended "
                    + proj.status());
        }
        Vec.axpy(1.0, expand(proj.z()), 0, x, 0, n);
        return x;
    }

    /**
     * The {@link HouseholderQr} of {@code A^T (n x p)}.
     *
     * @return {@code {Q_1 (n x p), R (p x p), Z = Q_2 (n x r)}}
     * @throws IllegalArgumentException if {@code A} does not have full row rank
     */
    private double[][] nullSpaceBasis() {
        double[] at = new double[n * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < n; j++) {
                at[j * p + i] = a[i * n + j];
            }
        }
        HouseholderQr qr = HouseholderQr.factor(at, n, p);
        if (!(qr.diagonalRatio() > 1e-10)) {
            throw new IllegalArgumentException(NAME + ": A must have full row rank (min |R_kk| / max |R_kk| = "
                    + qr.diagonalRatio() + ")");
        }
        double[] q = qr.q();
        double[] first = new double[n * p];
        double[] rest = new double[n * r];
        for (int i = 0; i < n; i++) {
            System.arraycopy(q, i * n, first, i * p, p);
            System.arraycopy(q, i * n + p, rest, i * r, r);
        }
        return new double[][] {first, qr.r(), rest};
    }

    /** @return {@code Z^T v (r)} */
    private double[] reduce(double[] v) {
        double[] out = new double[r];
        for (int k = 0; k < n; k++) {
            Vec.axpy(v[k], z, k * r, out, 0, r);
        }
        return out;
    }

    /** @return {@code Z w (n)} */
    private double[] expand(double[] w) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[k] = Vec.dot(z, k * r, w, 0, r);
        }
        return out;
    }

    /**
     * @return {@code Z^T H Z (r x r)} for the symmetric {@code H}: {@code H Z} (skipping zero entries of {@code H}),
     *     then the product with {@code Z^T} through the dense kernels ({@link Kernels#multiplyAdd}), its upper
     *     triangle mirrored so that the result is exactly symmetric
     */
    private double[] reducedHessian(double[] hess) {
        double[] hz = new double[n * r];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double hik = hess[i * n + k];
                if (hik != 0) {
                    Vec.axpy(hik, z, k * r, hz, i * r, r);
                }
            }
        }
        double[] out = new double[r * r];
        Kernels.multiplyAdd(1.0, zt, 0, n, hz, 0, r, out, 0, r, r, n, r);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < i; j++) {
                out[i * r + j] = out[j * r + i];
            }
        }
        return out;
    }

    /** @return the slacks {@code h - G x} */
    private double[] slacks(double[] x) {
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            s[i] = h[i] - Vec.dot(g, i * n, x, 0, n);
        }
        return s;
    }
}
