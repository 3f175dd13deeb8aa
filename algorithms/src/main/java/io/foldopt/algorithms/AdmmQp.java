package io.foldopt.algorithms;

import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.DenseLU;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * ADMM with OSQP's splitting (Stellato et al. 2020, relaxation {@code alpha = 1}) for the convex QP
 * {@code min 1/2 x^T P x + q^T x  s.t.  l <= A x <= u}, {@code P (n, n)}, {@code A (m, n)}.
 *
 * <p>State {@code s = (x, z, y) (B, n + 2m)}: primal point, constraint slack and multiplier. One sweep
 * with the fixed penalties {@code rho, sigma > 0}:
 *
 * <pre>
 *   (P + sigma I + rho A^T A) x+ = sigma x - q + A^T (rho z - y)
 *   z+ = clip(A x+ + y / rho, l, u)
 *   y+ = y + rho (A x+ - z+)
 * </pre>
 *
 * Its fixed points are the KKT points: {@code P x + q + A^T y = 0}, {@code z = A x}, and
 * {@code y} in the normal cone of {@code [l, u]} at {@code z} ({@code y_i > 0} only at
 * {@code z_i = u_i}, {@code y_i < 0} only at {@code z_i = l_i}). The forward solver iterates this very
 * map, so its limit is a fixed point of {@link #updateMap()}; the read-out is {@code x}, the first
 * {@code n} columns. {@code I - Phi} is nonsingular at a solution with linearly independent active
 * rows of {@code A} and strict complementarity. {@code rho} and {@code sigma} change neither the
 * fixed points nor the gradients, only the speed of the forward and LFPI iterations.
 *
 * <p>Layer parameters {@code q (B, n), l (B, m), u (B, m)} with {@code l <= u}; use {@code l_i = u_i}
 * for an equality and a large finite bound for an absent one (folded layers reject infinite
 * parameters). {@code P} and {@code A} are captured {@link Var}s and receive folded gradients when they
 * require them. {@code P} should be symmetric positive semidefinite; it is used as given, so its
 * gradient is with respect to its entries in {@code P x + q + A^T y = 0} (not symmetrized).
 */
public final class AdmmQp implements FoldableAlgorithm {
    private static final String NAME = "ADMM QP";
    private final Var p;
    private final Var a;
    private final int n;
    private final int m;
    private final double rho;
    private final double sigma;
    private final DenseLU factor;
    private final OsqpSweep sweep;

    /**
     * @param p {@code P (n, n)}, finite
     * @param a {@code A (m, n)}, finite
     * @param rho the penalty {@code rho > 0} of the constraints (OSQP's default is 0.1)
     * @param sigma the proximal weight {@code sigma > 0} of the x-update (OSQP's default is 1e-6)
     * @throws IllegalArgumentException for wrong shapes, non-finite entries, or a singular
     *     {@code P + sigma I + rho A^T A}
     */
    public AdmmQp(Var p, Var a, double rho, double sigma) {
        Tensor pv = p.value();
        Tensor av = a.value();
        if (pv.rank() != 2 || pv.dim(0) != pv.dim(1) || pv.dim(0) == 0 || av.rank() != 2 || av.dim(1) != pv.dim(0)) {
            throw new IllegalArgumentException(NAME + ": needs P (n, n) and A (m, n), got "
                    + Arrays.toString(pv.shape()) + " and " + Arrays.toString(av.shape()));
        }
        if (!pv.isFinite() || !av.isFinite()) {
            throw new IllegalArgumentException(NAME + ": " + (pv.isFinite() ? "A" : "P") + " has a non-finite entry");
        }
        if (!(rho > 0) || !(sigma > 0) || !Double.isFinite(rho) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException(NAME + ": rho and sigma must be positive and finite, got " + rho
                    + " and " + sigma);
        }
        this.p = p;
        this.a = a;
        this.n = pv.dim(0);
        this.m = av.dim(0);
        this.rho = rho;
        this.sigma = sigma;
        this.sweep = new OsqpSweep(NAME, n, m, rho);
        this.factor = DenseLU.factor(system(pv.data(), av.data()), n);
        if (factor.isSingular()) {
            throw new IllegalArgumentException(NAME + ": P + sigma I + rho A^T A is singular");
        }
    }

    /** @return {@code P + sigma I + rho A^T A}, row-major */
    private double[] system(double[] pd, double[] ad) {
        double[] k = pd.clone();
        for (int j = 0; j < n; j++) {
            k[j * n + j] += sigma;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double aij = rho * ad[i * n + j];
                for (int l = 0; l < n; l++) {
                    k[j * n + l] += aij * ad[i * n + l];
                }
            }
        }
        return k;
    }

    /** @return one ADMM sweep {@code U(x, z, y; q, l, u)} (class comment); params = {q, l, u} */
    @Override
    public UpdateMap updateMap() {
        return (s, params) -> {
            sweep.checkParams(params);
            Var k = p.add(Var.constant(Tensor.eye(n)).mul(sigma)).add(a.transpose().matmul(a).mul(rho));
            Var rhs = sweep.x(s).mul(sigma).sub(params[0]).add(sweep.dualPart(s).matmul(a));
            Var xNext = LinearAlgebra.solve(k, rhs);
            return sweep.next(s, xNext, xNext.matmul(a.transpose()), params);
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
     * @return the ADMM iteration of {@link #updateMap()} from {@code s = 0}, per instance in parallel,
     *     with {@code P + sigma I + rho A^T A} factored once
     * @throws ArithmeticException (from the solver) naming the instance that does not converge, which
     *     is what happens when its constraints {@code l <= A x <= u} have no solution
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        double[] ad = a.value().data();
        ForwardSolver batched = ForwardSolver.perInstance((b, c) -> {
            double[] q = c[0];
            double[] lo = c[1];
            double[] hi = c[2];
            double[] w = new double[m];
            double[] xs = new double[n];
            double[] ax = new double[m];
            return FixedPointIteration.solve(NAME, b, new double[n + 2 * m], (from, to) -> {
                sweep.dualPart(from, w);
                for (int j = 0; j < n; j++) {
                    xs[j] = sigma * from[j] - q[j];
                }
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        xs[j] += ad[i * n + j] * w[i];
                    }
                }
                factor.solveInPlace(xs);
                for (int i = 0; i < m; i++) {
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        sum += ad[i * n + j] * xs[j];
                    }
                    ax[i] = sum;
                }
                sweep.next(from, xs, ax, lo, hi, to);
            }, false, tol, maxIterations);
        });
        return params -> {
            sweep.checkParams(params);
            return batched.solve(params);
        };
    }
}
