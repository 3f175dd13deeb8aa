package io.foldopt.experiments.nonconvexqp;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.algorithms.SmoothObjective;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.linalg.DenseLU;
import io.foldopt.linalg.Vec;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.PolyhedralSqp;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.WarmStartQpSolver;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The nonconvex QP of DC3 (Donti, Rolnick and Kolter 2021) used by the reference code's decision-focused
 * experiment, with the sine weights {@code p} as the predicted parameter:
 *
 * <pre>
 *   min_y  f(y; p) = 1/2 y^T Q y + p^T sin(y)   s.t.   A y = b,   G y &lt;= h
 * </pre>
 *
 * with {@code Q = diag(q)}, {@code q ~ U[0, 1]^n}, {@code A (n_eq, n)} and {@code G (n_ineq, n)} standard
 * normal, {@code b ~ U[0, 1]^{n_eq}} and {@code h_i = sum_j |(G A^+)_ij|}. The least-norm point
 * {@code y_0 = A^+ b} is feasible: {@code A y_0 = b}, and {@code |(G y_0)_i| = |sum_j (G A^+)_ij b_j| <= h_i}
 * because {@code 0 <= b_j <= 1} ({@link #random} checks it). The Hessian {@code diag(q_i - p_i sin y_i)} is
 * indefinite wherever {@code p_i sin y_i > q_i}, so solutions are local.
 *
 * <p><b>Decisions</b> {@code y*(p)} are made by the local {@link PolyhedralSqp} from {@code y_0} (the
 * reference's start, where it runs IPOPT), with exact gradient {@code q y + p cos y} and Hessian, to a KKT
 * residual of {@code 1e-10}; the same solver scores the true and the predicted parameters.
 *
 * <p><b>Folding</b>: the layer {@code p -> y*(p)} is folded through projected gradient of variant (b),
 * {@code U(y, p) = Proj_C(y - alpha (q y + p cos y))} with the projection onto {@code C} computed by the
 * differentiable QP ({@link Polyhedron#projection}), whose fixed points are the KKT points the SQP returns.
 * The projection warm-starts every batch position from its previous active set ({@link WarmStartQpSolver}).
 * The step {@code alpha = 0.5} does not change the gradient (it cancels in the fixed-point equations) and is
 * about {@code 1/L} for {@code |p_i| <= 1}, which keeps {@code rho(Phi) < 1} for LFPI.
 */
public final class NonconvexQp implements SmoothObjective, PolyhedralSqp.Objective {
    /** KKT tolerance of the decisions. */
    public static final double FORWARD_TOLERANCE = 1e-10;
    /**
     * SQP iterations per decision at most. Instances take about 8 (the mean over 400 at paper size); one that starts
     * near a saddle point creeps away from it with convexified (linearly convergent) steps, which took 516
     * iterations on the slowest instance met in training at paper size.
     */
    private static final int MAX_SQP_ITERATIONS = 5000;
    private static final double ALPHA = 0.5;

    private final int n;
    private final double[] q;
    private final Var qVar;
    private final Polyhedron set;
    private final ForwardSolver solver;

    /**
     * @param q the diagonal of {@code Q}, positive
     * @param set the feasible polyhedron, with a nonempty intersection with {@code A y = b}
     */
    public NonconvexQp(double[] q, Polyhedron set) {
        if (set.dim() != q.length) {
            throw new IllegalArgumentException("Q has " + q.length + " entries, the polyhedron dimension is "
                    + set.dim());
        }
        this.n = q.length;
        this.q = q.clone();
        this.qVar = Var.constant(Tensor.of(q, 1, n));
        this.set = set;
        this.solver = new PolyhedralSqp(this, set, null, new InteriorPointQpSolver())
                .solver(FORWARD_TOLERANCE, MAX_SQP_ITERATIONS);
    }

    /**
     * @return the DC3 instance of the class comment with {@code n} variables, {@code eq} equalities and
     *     {@code ineq} inequalities
     * @throws IllegalStateException if {@code A^+ b} is not feasible (it always is, see the class comment)
     */
    public static NonconvexQp random(int n, int eq, int ineq, RandomGenerator rng) {
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = rng.nextDouble();
        }
        double[] b = new double[eq];
        for (int i = 0; i < eq; i++) {
            b[i] = rng.nextDouble();
        }
        Tensor a = Tensor.randn(rng, eq, n);
        Tensor g = Tensor.randn(rng, ineq, n);
        double[] gaPlus = gTimesPseudoInverse(a.data(), g.data(), n, eq, ineq);
        double[] h = new double[ineq];
        for (int i = 0; i < ineq; i++) {
            for (int j = 0; j < eq; j++) {
                h[i] += Math.abs(gaPlus[i * eq + j]);
            }
            double gy0 = 0;
            for (int j = 0; j < eq; j++) {
                gy0 += gaPlus[i * eq + j] * b[j];
            }
            if (gy0 > h[i]) {
                throw new IllegalStateException("A^+ b violates inequality " + i + ": " + gy0 + " > " + h[i]);
            }
        }
        return new NonconvexQp(q, new Polyhedron(a, Tensor.wrap(b, eq), g, Tensor.wrap(h, ineq)));
    }

    /** @return {@code G A^+ = G A^T (A A^T)^{-1} (ineq x eq)}, by solving {@code (A A^T) X = A G^T} */
    private static double[] gTimesPseudoInverse(double[] a, double[] g, int n, int eq, int ineq) {
        double[] aat = new double[eq * eq];
        for (int i = 0; i < eq; i++) {
            for (int j = 0; j < eq; j++) {
                aat[i * eq + j] = Vec.dot(a, i * n, a, j * n, n);
            }
        }
        DenseLU lu = DenseLU.factor(aat, eq);
        if (lu.isSingular()) {
            throw new IllegalStateException("A A^T is singular");
        }
        double[] out = new double[ineq * eq];
        for (int i = 0; i < ineq; i++) {
            double[] agi = new double[eq];
            for (int j = 0; j < eq; j++) {
                agi[j] = Vec.dot(a, j * n, g, i * n, n);
            }
            System.arraycopy(lu.solve(agi), 0, out, i * eq, eq);
        }
        return out;
    }

    /** @return the number {@code n} of variables */
    public int dim() {
        return n;
    }

    /** @return the feasible set */
    public Polyhedron set() {
        return set;
    }

    /** @return {@code f(y; p)} per instance {@code (B)}, recorded, for {@code y (B, n)} and {@code params = {p}} */
    @Override
    public Var value(Var y, Var[] params) {
        return y.mul(y).mul(qVar).sum(-1).mul(0.5).add(y.sin().mul(params[0]).sum(-1));
    }

    /** @return {@code q y + p cos y}, recorded (differentiable again, for {@code Phi} and {@code Psi}) */
    @Override
    public Var gradient(Var y, Var[] params) {
        return y.mul(qVar).add(y.cos().mul(params[0]));
    }

    @Override
    public double value(double[] y, double[][] params) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += 0.5 * q[i] * y[i] * y[i] + params[0][i] * Math.sin(y[i]);
        }
        return s;
    }

    @Override
    public void gradient(double[] y, double[][] params, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = q[i] * y[i] + params[0][i] * Math.cos(y[i]);
        }
    }

    @Override
    public void hessian(double[] y, double[][] params, double[] out) {
        Arrays.fill(out, 0.0);
        for (int i = 0; i < n; i++) {
            out[i * n + i] = q[i] - params[0][i] * Math.sin(y[i]);
        }
    }

    /** @return the local decisions {@code y*(p) (B, n)} for parameters {@code p (B, n)}, in parallel */
    public Tensor solve(Tensor p) {
        return solver.solve(new Tensor[] {p});
    }

    /** @return {@code f(y_b; p_b)} for every row */
    public double[] objectives(Tensor y, Tensor p) {
        double[] out = new double[y.dim(0)];
        for (int k = 0; k < out.length; k++) {
            out[k] = value(y.row(k), new double[][] {p.row(k)});
        }
        return out;
    }

    /** @return the folded layer {@code p -> y*(p)}: the SQP forward, the PGD-b step folded */
    public FoldedLayer foldedLayer(FoldOptions options) {
        ProjectedGradient pgd = new ProjectedGradient(n, this,
                set.projection(QpOptions.defaults().withSolver(new WarmStartQpSolver())), ALPHA);
        return new FoldedLayer(solver, pgd.updateMap(), options);
    }
}
