package io.foldopt.experiments.study;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.RandomMatrices;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.DenseLU;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A batch of quadratic programs {@code min 1/2 x^T Q x + c_b^T x} with one symmetric {@code Q = M^T M / n + shift I}
 * and {@code c_b ~ 1.5 N(0, I)}, over the box {@code [-1, 1]^n} or unconstrained, and its folded layer: the update is
 * the (projected) gradient step {@code U(x, c) = clip(x - alpha (Q x + c))}, whose Jacobian is
 * {@code Phi = D (I - alpha Q)} with {@code D} the diagonal indicator of the free coordinates. Unconstrained,
 * {@code Phi = I - alpha Q} is symmetric and {@code x* = -Q^{-1} c} is the stationary point (a saddle when
 * {@code Q} is indefinite); on the box, {@code x*} is the minimizer (for positive definite {@code Q}) and {@code Phi}
 * is symmetric only on the free coordinates, with {@code rho(Phi) = max |1 - alpha lambda_i(Q_FF)|}.
 */
final class StudyQp {
    private final Tensor q;
    private final Tensor c;
    private final boolean box;
    private final Tensor xStar;
    private final double[] lambda;

    private StudyQp(Tensor q, Tensor c, boolean box) {
        this.q = q;
        this.c = c;
        this.box = box;
        int n = q.dim(0);
        this.lambda = Jacobians.eigenvalues(q.data(), 0, n)[0];
        if (box) {
            this.xStar = ForwardSolver.iterating(update(1 / largestMagnitude()), 1e-15, 1_000_000)
                    .solve(new Tensor[] {c});
        } else {
            DenseLU lu = DenseLU.factor(q.data().clone(), n);
            double[] x = new double[c.size()];
            for (int b = 0; b < c.dim(0); b++) {
                double[] row = lu.solve(c.row(b));
                for (int i = 0; i < n; i++) {
                    x[b * n + i] = -row[i];
                }
            }
            this.xStar = Tensor.wrap(x, c.dim(0), n);
        }
    }

    /**
     * @param shift the shift of {@code Q = M^T M / n + shift I} (eigenvalues in about {@code [shift, 4 + shift]}:
     *     positive definite for {@code shift > 0}, indefinite for {@code -4 < shift < 0})
     * @param box whether {@code x} is confined to {@code [-1, 1]^n}
     */
    static StudyQp random(int n, int batch, double shift, boolean box, long seed) {
        Tensor c = Tensor.randn(new SplittableRandom(seed + 1), batch, n);
        return new StudyQp(RandomMatrices.spd(n, shift, seed), c.map(v -> 1.5 * v), box);
    }

    /** @return {@code max_i |lambda_i(Q)|} */
    double largestMagnitude() {
        return Arrays.stream(lambda).map(Math::abs).max().orElse(0);
    }

    /** @return the smallest eigenvalue of {@code Q} */
    double smallestEigenvalue() {
        return Arrays.stream(lambda).min().orElse(0);
    }

    /** @return the (projected) gradient step with step {@code alpha} */
    UpdateMap update(double alpha) {
        Var qv = Var.constant(q);
        return (x, p) -> {
            Var step = x.sub(x.matmul(qv).add(p[0]).mul(alpha));
            return box ? step.clamp(-1, 1) : step;
        };
    }

    /**
     * The gradient of {@code <w, x*(c)>} with respect to {@code c} for a fixed random {@code w}, the folded layer's
     * backward solved by {@code solver} under {@code options} from {@code start}.
     */
    StudyTask.Gradient gradient(double alpha, BatchedLinearSolver solver, SolverOptions options,
            BackwardProbe.Start start) {
        BackwardProbe probe = new BackwardProbe();
        probe.use(solver, options, start);
        FoldedLayer layer = new FoldedLayer(params -> xStar, update(alpha),
                FoldOptions.defaults().withSolver(probe).withOnFailure(FailurePolicy.FLAG));
        Var cv = Var.param(c);
        Tensor w = Tensor.randn(new SplittableRandom(17), c.shape());
        Var loss = layer.apply(cv).mul(Var.constant(w)).sum();
        long t0 = System.nanoTime();
        double[] g = Autodiff.grad(loss, cv)[0].data();
        return new StudyTask.Gradient(g, (System.nanoTime() - t0) * 1e-9, probe.last());
    }

    /** @return per instance {@code max_{i in F} |1 - alpha lambda_i(Q_FF)|} over the free coordinates {@code F} */
    double[] closedFormRadius(double alpha) {
        int n = q.dim(0);
        int batch = c.dim(0);
        double[] rho = new double[batch];
        for (int b = 0; b < batch; b++) {
            double[] x = xStar.row(b);
            int[] free = IntStream.range(0, n).filter(i -> !box || Math.abs(x[i]) < 1 - 1e-9).toArray();
            if (free.length == 0) {
                continue;
            }
            double[] sub = new double[free.length * free.length];
            for (int i = 0; i < free.length; i++) {
                for (int j = 0; j < free.length; j++) {
                    sub[i * free.length + j] = q.data()[free[i] * n + free[j]];
                }
            }
            for (double l : Jacobians.eigenvalues(sub, 0, free.length)[0]) {
                rho[b] = Math.max(rho[b], Math.abs(1 - alpha * l));
            }
        }
        return rho;
    }
}
