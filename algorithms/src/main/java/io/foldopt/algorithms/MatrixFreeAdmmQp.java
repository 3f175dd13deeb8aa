package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.operator.LinearOperator;
import io.foldopt.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * ADMM with OSQP's splitting for the convex QP {@code min 1/2 x^T P x + q^T x  s.t.  l <= A x <= u} with {@code P}
 * and {@code A} given as {@link LinearOperator}s (sparse matrices, structured operators): the sweep of
 * {@link AdmmQp}, whose linear system {@code (P + sigma I + rho A^T A) x+ = sigma x - q + A^T (rho z - y)} is solved
 * by {@link ConjugateGradient} instead of a factorization, so nothing of size {@code n x n} is ever formed.
 *
 * <p>State {@code s = (x, z, y) (B, n + 2m)}, parameters {@code q (B, n), l (B, m), u (B, m)}; the fixed points are
 * the KKT points, and {@code I - Phi} is nonsingular under the conditions of {@link AdmmQp}. The update map records
 * the CG solve as one operation whose VJP is a second CG solve, so folding one sweep costs a few operator
 * applications per backward iteration. Parameters that {@code P} and {@code A} hold (their nonzero values) receive
 * folded gradients when they require them; {@code P} must be symmetric positive semidefinite. Forward solver: the
 * same sweep on plain arrays from {@code s = 0}, each CG solve warm-started at the previous {@code x}.
 */
public final class MatrixFreeAdmmQp implements FoldableAlgorithm {
    private static final String NAME = "matrix-free ADMM QP";
    private static final int CG_MAX_ITERATIONS = 10_000;

    private final LinearOperator p;
    private final LinearOperator a;
    private final int n;
    private final int m;
    private final double rho;
    private final double sigma;
    private final double cgTolerance;
    private final OsqpSweep sweep;

    /**
     * @param p {@code P (n, n)}, symmetric positive semidefinite
     * @param a {@code A (m, n)}
     * @param rho the penalty {@code rho > 0} of the constraints
     * @param sigma the proximal weight {@code sigma > 0} of the x-update
     * @param cgTolerance relative residual of every CG solve (of the update map, its VJP and the forward sweeps), in
     *     {@code (0, 1)}; the forward solver uses at most a tenth of its own tolerance
     */
    public MatrixFreeAdmmQp(LinearOperator p, LinearOperator a, double rho, double sigma, double cgTolerance) {
        if (p.rows() != p.cols() || p.cols() < 1 || a.cols() != p.cols() || a.rows() < 1) {
            throw new IllegalArgumentException(NAME + ": needs P (n, n) and A (m, n), got (" + p.rows() + ", "
                    + p.cols() + ") and (" + a.rows() + ", " + a.cols() + ")");
        }
        if (!(rho > 0) || !(sigma > 0) || !Double.isFinite(rho) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException(NAME + ": rho and sigma must be positive and finite, got " + rho
                    + " and " + sigma);
        }
        if (!(cgTolerance > 0 && cgTolerance < 1)) {
            throw new IllegalArgumentException(NAME + ": the CG tolerance must be in (0, 1), got " + cgTolerance);
        }
        this.p = p;
        this.a = a;
        this.n = p.cols();
        this.m = a.rows();
        this.rho = rho;
        this.sigma = sigma;
        this.cgTolerance = cgTolerance;
        this.sweep = new OsqpSweep(NAME, n, m, rho);
    }

    /** @return the map {@code v -> (P + sigma I + rho A^T A) v} on batches, recorded */
    private UnaryOperator<Var> system() {
        return v -> p.apply(v).add(v.mul(sigma)).add(a.adjoint(a.apply(v)).mul(rho));
    }

    /** @return one ADMM sweep {@code U(x, z, y; q, l, u)} with the x-update by CG; params = {q, l, u} */
    @Override
    public UpdateMap updateMap() {
        return (s, params) -> {
            sweep.checkParams(params);
            Var rhs = sweep.x(s).mul(sigma).sub(params[0]).add(a.adjoint(sweep.dualPart(s)));
            Var xNext = ConjugateGradient.solve(system(), rhs, cgTolerance, CG_MAX_ITERATIONS);
            return sweep.next(s, xNext, a.apply(xNext), params);
        };
    }

    /** @return the size {@code n + 2m} of the state {@code (x, z, y)} */
    public int stateDim() {
        return sweep.stateDim();
    }

    /** @return the primal solution {@code x}, the first {@code n} columns of the state */
    @Override
    public Var output(Var state) {
        return sweep.x(state);
    }

    /**
     * @return the sweep of {@link #updateMap()} on plain arrays from {@code s = 0}, per instance in parallel, with
     *     warm-started CG solves to {@code min(cgTolerance, tol / 10)}
     * @throws ArithmeticException naming the instance that does not converge (an infeasible instance does not)
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        double innerTol = Math.min(cgTolerance, tol / 10);
        ForwardSolver batched = ForwardSolver.perInstance((b, c) -> {
            double[] q = c[0];
            double[] lo = c[1];
            double[] hi = c[2];
            double[] av = new double[m];
            double[] atav = new double[n];
            BatchedOperator k = BatchedOperator.of(1, n, (in, out) -> {
                p.apply(in, 1, out);
                a.apply(in, 1, av);
                a.adjoint(av, 1, atav);
                for (int j = 0; j < n; j++) {
                    out[j] += sigma * in[j] + rho * atav[j];
                }
            });
            double[] w = new double[m];
            double[] xs = new double[n];
            double[] rhs = new double[n];
            double[] atw = new double[n];
            double[] ax = new double[m];
            return FixedPointIteration.solve(NAME, b, new double[n + 2 * m], (from, to) -> {
                sweep.dualPart(from, w);
                a.adjoint(w, 1, atw);
                for (int j = 0; j < n; j++) {
                    rhs[j] = sigma * from[j] - q[j] + atw[j];
                    xs[j] = from[j];
                }
                double[] x = ConjugateGradient.solve(k, rhs, xs, innerTol, CG_MAX_ITERATIONS);
                a.apply(x, 1, ax);
                sweep.next(from, x, ax, lo, hi, to);
            }, false, tol, maxIterations);
        });
        return params -> {
            sweep.checkParams(params);
            return batched.solve(params);
        };
    }
}
