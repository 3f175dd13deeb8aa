package io.foldopt.problems;

import io.foldopt.algorithms.FixedPointIteration;
import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.autodiff.Var;
import io.foldopt.check.RandomMatrices;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The anchor problem of the benchmarks: {@code min_x f(x) = 1/2 x^T Q x + c^T sin(x)} over the box
 * {@code [lo, hi]^n}, with symmetric (possibly indefinite) {@code Q} and a batch of parameters {@code c (B, n)}.
 *
 * <p>Its update (projected-gradient step) is {@code U(x, c) = clip(x - step (Q x + c * cos x), lo, hi)} with
 * {@code step = 1 / (rho + 1)}, {@code rho >= max |lambda(Q)|} a certified bound ({@link #spectralBound()}), so the
 * step is positive for every symmetric {@code Q} and its fixed points are exactly the stationary points. The
 * Hessian is {@code Q - diag(c * sin x)}, of norm at most {@code rho + max |c|}, so for {@code max |c| <= 1} the
 * step is at most {@code 1 / L} and projected gradient descends. The folded gradient does not depend on the step;
 * at a strict local minimum the iteration {@code x <- U(x, c)} contracts (what LFPI needs) while
 * {@code max |c| < rho + 2}.
 *
 * <p>Forward solvers: {@link #solve} (projected Newton with a status from the second-order check, for any
 * {@code Q}), and {@link #solver} (accelerated projected gradient, the benchmarks' baseline for positive
 * definite {@code Q}).
 */
public final class BoxNonconvexQp implements FoldableAlgorithm {
    /** Relative margin by which the power-iteration estimate is raised before it is certified. */
    private static final double BOUND_MARGIN = 1e-8;
    private static final int POWER_ITERATIONS = 2000;

    private final Tensor q;
    private final double lower;
    private final double upper;
    /** {@code sum_j |Q_ij|} per row. */
    private final double[] rowAbsSums;
    private final double spectralBound;
    private final double step;

    /**
     * @param q symmetric {@code n x n} matrix
     * @param lower lower bound of every coordinate
     * @param upper upper bound of every coordinate ({@code > lower})
     */
    public BoxNonconvexQp(Tensor q, double lower, double upper) {
        if (q.rank() != 2 || q.dim(0) != q.dim(1)) {
            throw new IllegalArgumentException("Q must be square, shape is " + Arrays.toString(q.shape()));
        }
        if (!q.isFinite()) {
            throw new IllegalArgumentException("Q has a non-finite entry");
        }
        int n = q.dim(0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double a = q.data()[i * n + j];
                double b = q.data()[j * n + i];
                if (Math.abs(a - b) > 1e-12 * Math.max(1.0, Math.abs(a))) {
                    throw new IllegalArgumentException("Q must be symmetric: Q[" + i + "][" + j + "] = " + a
                            + " but Q[" + j + "][" + i + "] = " + b);
                }
            }
        }
        if (!(lower < upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
            throw new IllegalArgumentException("box needs finite lower < upper, got [" + lower + ", " + upper + "]");
        }
        this.q = q;
        this.lower = lower;
        this.upper = upper;
        this.rowAbsSums = new double[n];
        double infNorm = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rowAbsSums[i] += Math.abs(q.data()[i * n + j]);
            }
            infNorm = Math.max(infNorm, rowAbsSums[i]);
        }
        this.spectralBound = certifiedSpectralBound(q.data(), n, infNorm);
        this.step = 1.0 / (spectralBound + 1.0);
    }

    /**
     * The benchmark instance: {@code Q = M^T M / n + 0.1 I} with standard normal {@code M}, box
     * {@code [-1, 1]^n}.
     */
    public static BoxNonconvexQp random(int n, long seed) {
        return new BoxNonconvexQp(RandomMatrices.spd(n, 0.1, seed), -1.0, 1.0);
    }

    /** @return standard normal parameters {@code c (batch, n)} */
    public Tensor randomParameters(int batch, long seed) {
        return Tensor.randn(new SplittableRandom(seed), batch, dim());
    }

    /** @return the dimension {@code n} */
    public int dim() {
        return q.dim(0);
    }

    /** @return the step {@code 1 / (rho + 1)} of the update */
    public double step() {
        return step;
    }

    /**
     * @return {@code rho}, an upper bound on {@code max |lambda(Q)|}: a power-iteration estimate raised by a
     *     relative {@code 1e-8} (more if needed) until Cholesky factorizations of {@code rho I - Q} and
     *     {@code rho I + Q} both succeed, capped by {@code ||Q||_inf}
     */
    public double spectralBound() {
        return spectralBound;
    }

    /** @return the lower bound of every coordinate */
    public double lower() {
        return lower;
    }

    /** @return the upper bound of every coordinate */
    public double upper() {
        return upper;
    }

    /** @return the matrix {@code Q} */
    public Tensor q() {
        return q;
    }

    /** @return the update {@code U(x, c) = clip(x - step (Q x + c * cos x), lo, hi)}; params = {c} */
    @Override
    public UpdateMap updateMap() {
        Var qv = Var.constant(q);
        return (x, params) -> {
            Var grad = x.matmul(qv).add(params[0].mul(x.cos()));
            return x.sub(grad.mul(step)).clamp(lower, upper);
        };
    }

    /**
     * Solves one instance by {@link ProjectedNewton} from {@code x = 0} (projected onto the box), with the
     * residual tolerance {@code tol} relative to {@link #gradientScale(double[])}.
     *
     * @param c the parameters {@code (n)}, finite
     * @return the solution, its status (a local minimum is {@link io.foldopt.status.Status#OPTIMAL}) and its
     *     classification
     */
    public ProjectedNewton.Result solve(double[] c, double tol, int maxIterations, Duration timeLimit) {
        int n = dim();
        if (c.length != n) {
            throw new IllegalArgumentException("c must have " + n + " entries, got " + c.length);
        }
        if (!Vec.allFinite(c, 0, n)) {
            throw new IllegalArgumentException("c has a non-finite entry");
        }
        double[] lo = new double[n];
        double[] hi = new double[n];
        Arrays.fill(lo, lower);
        Arrays.fill(hi, upper);
        return ProjectedNewton.minimize(objective(c), lo, hi, new double[n],
                new ProjectedNewton.Options(tol * gradientScale(c), maxIterations, timeLimit));
    }

    /**
     * A forward solver: {@link #solve} per instance, in parallel.
     *
     * @throws ArithmeticException naming the instance, its status and its classification if it is not a local
     *     minimum to {@code tol}
     */
    public ForwardSolver newtonSolver(double tol, int maxIterations, Duration timeLimit) {
        return ForwardSolver.perInstance((b, p) -> {
            ProjectedNewton.Result r = solve(p[0], tol, maxIterations, timeLimit);
            if (!r.status().ok()) {
                throw new ArithmeticException("projected Newton on instance " + b + " ended " + r.status().label()
                        + (r.point() == null ? "" : " at a point classified " + r.point().kind())
                        + " after " + r.iterations() + " iterations");
            }
            return r.x();
        });
    }

    /**
     * @return {@code 1 + max_i (sum_j |Q_ij| max(|lo|, |hi|) + |c_i|)}, a bound on the size of the gradient's
     *     terms over the box (the scale of its rounding errors)
     */
    public double gradientScale(double[] c) {
        int n = dim();
        double box = Math.max(Math.abs(lower), Math.abs(upper));
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, rowAbsSums[i] * box + Math.abs(c[i]));
        }
        return 1 + worst;
    }

    /** @return {@code f}, its gradient {@code Q x + c * cos x} and Hessian {@code Q - diag(c * sin x)} */
    public ProjectedNewton.Objective objective(double[] c) {
        int n = dim();
        double[] qd = q.data();
        return new ProjectedNewton.Objective() {
            @Override
            public double value(double[] x) {
                double[] qx = multiply(qd, n, x);
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += 0.5 * x[i] * qx[i] + c[i] * Math.sin(x[i]);
                }
                return v;
            }

            @Override
            public void gradient(double[] x, double[] g) {
                double[] qx = multiply(qd, n, x);
                for (int i = 0; i < n; i++) {
                    g[i] = qx[i] + c[i] * Math.cos(x[i]);
                }
            }

            @Override
            public void hessian(double[] x, double[] h) {
                System.arraycopy(qd, 0, h, 0, n * n);
                for (int i = 0; i < n; i++) {
                    h[i * n + i] -= c[i] * Math.sin(x[i]);
                }
            }
        };
    }

    private static double[] multiply(double[] qd, int n, double[] x) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Vec.dot(qd, i * n, x, 0, n);
        }
        return out;
    }

    /**
     * A forward solver: accelerated projected gradient (FISTA with adaptive restart) per instance, in
     * parallel, from {@code x = 0}, until the plain step moves less than
     * {@code tol * max(1, ||x||)}; returns that last plain step, a fixed point of {@link #updateMap()}
     * to about {@code tol}. Meant for positive definite {@code Q}, where {@code f} is convex near the solution.
     *
     * @throws ArithmeticException naming the instance if it does not converge in {@code maxIterations}
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        return ForwardSolver.perInstance((b, p) -> solveInstance(b, p[0], tol, maxIterations));
    }

    private double[] solveInstance(int instance, double[] c, double tol, int maxIterations) {
        int n = dim();
        double[][] qRows = q.rowArrays();
        double[] qy = new double[n];
        return FixedPointIteration.solve("projected gradient", instance, new double[n], (y, z) -> {
            // Q y = sum_j y_j Q[j, :] (Q symmetric), in the vectorizable axpy form.
            Arrays.fill(qy, 0.0);
            for (int j = 0; j < n; j++) {
                double yj = y[j];
                if (yj != 0.0) {
                    double[] row = qRows[j];
                    for (int i = 0; i < n; i++) {
                        qy[i] += yj * row[i];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                z[i] = Math.min(Math.max(y[i] - step * (qy[i] + c[i] * Math.cos(y[i])), lower), upper);
            }
        }, true, tol, maxIterations);
    }

    /**
     * @return an upper bound on {@code max |lambda(Q)|} for symmetric {@code Q (n x n)}: the power-iteration
     *     estimate {@code ||Q v_k||} raised until {@code rho I -+ Q} have Cholesky factorizations, or
     *     {@code ||Q||_inf} (always a bound for symmetric {@code Q}) if that is smaller
     */
    private static double certifiedSpectralBound(double[] qd, int n, double infNorm) {
        if (infNorm == 0) {
            return 0;
        }
        double[] v = new double[n];
        Arrays.fill(v, 1.0 / Math.sqrt(n));
        double estimate = 0;
        for (int it = 0; it < POWER_ITERATIONS; it++) {
            double[] w = multiply(qd, n, v);
            double norm = Vec.norm(w, 0, n);
            if (norm == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                v[i] = w[i] / norm;
            }
            boolean done = Math.abs(norm - estimate) <= 1e-12 * norm;
            estimate = norm;
            if (done) {
                break;
            }
        }
        double[] negated = new double[n * n];
        for (int i = 0; i < negated.length; i++) {
            negated[i] = -qd[i];
        }
        for (double margin = BOUND_MARGIN; margin < 1; margin *= 10) {
            double rho = estimate * (1 + margin) + Double.MIN_NORMAL;
            if (rho >= infNorm) {
                return infNorm;
            }
            Cholesky above = Cholesky.factor(negated, n, rho, 0);
            Cholesky below = Cholesky.factor(qd, n, rho, 0);
            if (above.isPositiveDefinite() && below.isPositiveDefinite()) {
                return rho;
            }
            // A failed factorization gives d with |d^T Q d| >= rho ||d||^2: a better estimate.
            double[] d = above.isPositiveDefinite() ? below.lowCurvatureDirection() : above.lowCurvatureDirection();
            double[] qdv = multiply(qd, n, d);
            double dd = Vec.dot(d, 0, d, 0, n);
            estimate = Math.max(estimate, Math.abs(Vec.dot(d, 0, qdv, 0, n)) / dd);
        }
        return infNorm;
    }
}
