package io.foldopt.experiments.bilinear;

import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.algorithms.SmoothObjective;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.projection.Projections;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.WarmStartQpSolver;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The bilinear decision model of the experiment, on the decision {@code z = (x, y) in R^{2n}} with
 * parameters {@code theta = (c, d) in R^{2n}}:
 *
 * <pre>
 *   min_{x, y}  f(z; theta) = c^T x + d^T y + x^T Q y
 *   s.t.        x in C(k_x),  y in C(k_y),   C(k) = {v in [0, 1]^n : 1^T v = k}
 * </pre>
 *
 * (boxes with budget constraints). {@code Q} is a fixed square matrix; the Hessian
 * {@code [0, Q; Q^T, 0]} of {@code f} has eigenvalues {@code +-sigma_i(Q)}, so the problem is nonconvex
 * and its solutions are local. Being linear in each block, it generically has vertex solutions, where a
 * projection has a zero Jacobian (no gradient for learning), so the layers solve the smoothed problem
 * {@code f_mu(z; theta) = f(z; theta) + mu/2 ||z||^2} (the quadratic smoothing of decision-focused
 * learning, Wilder et al. 2019), still nonconvex when {@code mu < sigma_max(Q)}. Decisions are made by
 * projected gradient on {@code f_mu} with step {@code alpha = 1 / (mu + ||Q||_2)} ({@code 1/L}) from the
 * fixed start {@code Proj_C(0) = (k_x / n, k_y / n)}; decisions are scored by {@code f}.
 */
public final class BilinearProblem {
    /**
     * The QP projection's solver: active-set steps warm-started per batch position ({@link WarmStartQpSolver}),
     * with interior point to {@code 1e-10} with polishing as the fallback. At vertex-like solutions (every
     * coordinate of a block at a bound) the active bounds and the budget row are dependent, the active-set steps
     * and the polished KKT system are singular and the interior-point iterate is returned; the default
     * {@code 1e-8} then leaves projection errors near the folded layer's fixed-point tolerance ({@code 1e-6}).
     */
    private static final QpOptions QP_OPTIONS = QpOptions.defaults()
            .withSolver(new WarmStartQpSolver(new InteriorPointQpSolver(1e-10, 1e-8, 200, true)));

    private final int n;
    private final int kx;
    private final int ky;
    private final double mu;
    private final double[] q;
    private final Var qVar;
    private final double step;
    private final QpData qp;

    /**
     * @param q the square coupling matrix {@code Q (n, n)}, finite
     * @param kx the budget of {@code x}, {@code 0 < k_x < n}
     * @param ky the budget of {@code y}, {@code 0 < k_y < n}
     * @param mu the smoothing weight, {@code > 0}
     */
    public BilinearProblem(Tensor q, int kx, int ky, double mu) {
        if (q.rank() != 2 || q.dim(0) != q.dim(1) || !q.isFinite()) {
            throw new IllegalArgumentException("Q must be a finite square matrix, shape is "
                    + Arrays.toString(q.shape()));
        }
        this.n = q.dim(0);
        if (kx <= 0 || kx >= n || ky <= 0 || ky >= n) {
            throw new IllegalArgumentException("budgets must be in (0, " + n + "), got " + kx + " and " + ky);
        }
        if (!(mu > 0) || !Double.isFinite(mu)) {
            throw new IllegalArgumentException("smoothing mu must be positive and finite, got " + mu);
        }
        this.kx = kx;
        this.ky = ky;
        this.mu = mu;
        this.q = q.data().clone();
        this.qVar = Var.constant(Tensor.wrap(this.q, n, n));
        this.step = 1.0 / (mu + spectralNorm(this.q, n));
        this.qp = new QpData(n, kx, ky);
    }

    /** @return a problem with {@code Q_ij ~ N(0, 1/n)} (indefinite; {@code ||Q||_2 ~ 2}) */
    public static BilinearProblem random(int n, int kx, int ky, double mu, RandomGenerator rng) {
        return new BilinearProblem(Tensor.randn(rng, n, n).map(v -> v / Math.sqrt(n)), kx, ky, mu);
    }

    /** @return the dimension {@code 2n} of {@code z} and of {@code theta} */
    public int dim() {
        return 2 * n;
    }

    /** @return {@code f(z; theta)} per instance {@code (B)}, recorded, for {@code z, theta (B, 2n)} */
    public Var objective(Var z, Var theta) {
        Var x = z.slice(0, n);
        Var y = z.slice(n, 2 * n);
        return theta.mul(z).sum(-1).add(x.matmul(qVar).mul(y).sum(-1));
    }

    /** @return {@code f(z_b; theta_b)} for every row, evaluated without recording */
    public double[] objective(Tensor z, Tensor theta) {
        int batch = z.dim(0);
        double[] out = new double[batch];
        double[] grad = new double[2 * n];
        for (int b = 0; b < batch; b++) {
            double[] zb = z.row(b);
            double[] tb = theta.row(b);
            // f = theta^T z + x^T Q y, and (grad of x^T Q y wrt x) = Q y, so x^T Q y = x . (Q y).
            couplingGradient(zb, grad);
            double f = 0;
            for (int i = 0; i < n; i++) {
                f += tb[i] * zb[i] + tb[n + i] * zb[n + i] + zb[i] * grad[i];
            }
            out[b] = f;
        }
        return out;
    }

    /**
     * @return the smoothed objective {@code f_mu}, with the hand-written gradient
     *     {@code (c + Q y + mu x, d + Q^T x + mu y)} for the forward solver
     */
    public SmoothObjective smoothed() {
        return new SmoothObjective() {
            @Override
            public Var value(Var z, Var[] params) {
                return objective(z, params[0]).add(z.mul(z).sum(-1).mul(0.5 * mu));
            }

            @Override
            public void gradient(double[] z, double[][] params, double[] out) {
                couplingGradient(z, out);
                for (int i = 0; i < 2 * n; i++) {
                    out[i] += params[0][i] + mu * z[i];
                }
            }
        };
    }

    /** Writes {@code (Q y, Q^T x)} into {@code out}. */
    private void couplingGradient(double[] z, double[] out) {
        for (int i = 0; i < n; i++) {
            double qy = 0;
            double qtx = 0;
            for (int j = 0; j < n; j++) {
                qy += q[i * n + j] * z[n + j];
                qtx += q[j * n + i] * z[j];
            }
            out[i] = qy;
            out[n + i] = qtx;
        }
    }

    /** @return variant (a): the projection onto {@code C(k_x) x C(k_y)}, a capped simplex per block */
    public Var projectClosedForm(Var v) {
        return Structure.concat(Projections.cappedSimplex(v.slice(0, n), 1.0, kx),
                Projections.cappedSimplex(v.slice(n, 2 * n), 1.0, ky));
    }

    /**
     * @return variant (b): the same projection as the polyhedron {@code {A z = b, G z <= h}}
     *     ({@code A} the two budget rows, {@code G = [I; -I]}, {@code h = (1, 0)}), computed by
     *     {@link DifferentiableQp} with {@code P = I, q = -v} and differentiated through its KKT conditions
     */
    public Var projectQp(Var v) {
        return DifferentiableQp.solve(qp.p, v.neg(), qp.a, qp.b, qp.g, qp.h, QP_OPTIONS);
    }

    /** @return projected gradient on {@code f_mu} with the given projection onto the feasible set */
    public ProjectedGradient pgd(ProjectedGradient.Projection projection) {
        return new ProjectedGradient(2 * n, smoothed(), projection, step);
    }

    /**
     * @return the decision maker: projected gradient (FISTA with restart) with the closed-form projection,
     *     from {@code Proj_C(0)}, to a fixed-point residual of {@code tol}; its solutions are fixed points of
     *     both variants' steps (they project onto the same set)
     */
    public ForwardSolver solver(double tol) {
        return pgd(this::projectClosedForm).solver(tol, 200_000);
    }

    /** @return {@code ||Q||_2} by power iteration on {@code Q^T Q} */
    private static double spectralNorm(double[] q, int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0 / Math.sqrt(n));
        double sigma2 = 0;
        for (int it = 0; it < 500; it++) {
            double[] w = new double[n];
            double[] u = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    w[i] += q[i * n + j] * v[j];
                }
            }
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    u[j] += q[i * n + j] * w[i];
                }
            }
            double norm = 0;
            for (double x : u) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return 0;
            }
            sigma2 = norm;
            for (int j = 0; j < n; j++) {
                v[j] = u[j] / norm;
            }
        }
        // sigma2 estimates lambda_max(Q^T Q) from below; 1% headroom keeps alpha <= 1/L.
        return 1.01 * Math.sqrt(sigma2);
    }

    /** The constant data of the polyhedral form of the feasible set. */
    private static final class QpData {
        final Var p;
        final Var a;
        final Var b;
        final Var g;
        final Var h;

        QpData(int n, int kx, int ky) {
            int d = 2 * n;
            double[] av = new double[2 * d];
            double[] gv = new double[2 * d * d];
            double[] hv = new double[2 * d];
            for (int i = 0; i < n; i++) {
                av[i] = 1.0;
                av[d + n + i] = 1.0;
            }
            for (int i = 0; i < d; i++) {
                gv[i * d + i] = 1.0;
                gv[(d + i) * d + i] = -1.0;
                hv[i] = 1.0;
            }
            p = Var.constant(Tensor.eye(d));
            a = Var.constant(Tensor.wrap(av, 2, d));
            b = Var.constant(Tensor.vector(kx, ky));
            g = Var.constant(Tensor.wrap(gv, 2 * d, d));
            h = Var.constant(Tensor.wrap(hv, 2 * d));
        }
    }
}
