package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertFixedPoint;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.AutoSolver;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK;
import org.junit.jupiter.api.Test;

/** SQP folded on a convex QCQP (the portfolio problem's shape) and on the LML top-k problem. */
class SqpTest {
    private static final int B = 3;
    private static final int N = 6;

    /**
     * {@code min -c^T x + 0.1 ||x||^2  s.t.  x^T S x <= gamma,  1^T x <= 1,  -x <= 0} with a fixed PSD
     * {@code S}: the portfolio problem of the paper.
     */
    private static Sqp portfolio(double gamma) {
        Var sigma = Var.constant(FoldingAssertions.spd(N, 0.1, 1).map(v -> 0.1 * v));
        Sqp.Problem problem = new Sqp.Problem() {
            @Override
            public Var objective(Var x, Var[] c) {
                return x.mul(c[0]).sum(-1).neg().add(x.mul(x).sum(-1).mul(0.1));
            }

            @Override
            public Var inequalities(Var x, Var[] c) {
                Var risk = x.matmul(sigma).mul(x).sum(-1).reshape(x.dim(0), 1).add(-gamma);
                Var budget = x.sum(-1).reshape(x.dim(0), 1).add(-1.0);
                return Structure.concat(risk, budget, x.neg());
            }
        };
        return Sqp.builder(N, problem).inequalities(N + 2).build();
    }

    @Test
    void portfolioSqpFoldsLikeDirectAndFiniteDifferences() {
        Sqp sqp = portfolio(0.02);
        Var c = Var.param(randn(2, B, N).map(v -> 0.2 * v + 0.1));
        Tensor state = assertFixedPoint(sqp, new Tensor[] {c.value()}, 1e-10);
        double riskMultiplier = state.get(0, N);
        assertTrue(riskMultiplier >= 0, "multipliers are returned and nonnegative");
        FoldingAssertions.Pass direct = assertMethodsAgree("sqp portfolio", sqp, new Var[] {c}, new Var[0],
                randn(3, B, N), 1e-8);
        assertTrue(direct.grads()[0].norm() > 0);
        FoldedLayer layer =
                sqp.layer(FoldOptions.defaults().withSolver(new AutoSolver(0, AutoSolver.DEFAULT_LFPI_MAX_RHO)));
        assertFiniteDifferences(p -> layer.apply(p[0]), new Tensor[] {c.value()}, 1e-6, 1e-5);
        // A Newton step: AUTO estimates rho(Phi) ~ 0 and LFPI converges at once.
        Var x = layer.apply(c);
        Autodiff.vjp(new Var[] {x}, new Var[] {c}, new Tensor[] {randn(4, B, N)});
        assertEquals("LFPI", layer.lastReport().instances()[0].method());
        assertTrue(layer.lastReport().maxIterations() <= 3, "iterations " + layer.lastReport().maxIterations());
    }

    @Test
    void foldedSqpOnTheBinaryEntropyProblemMatchesLml() {
        int k = 3;
        double eps = 0.5;
        Sqp.Problem problem = new Sqp.Problem() {
            @Override
            public Var objective(Var x, Var[] c) {
                Var y = x.neg().add(1.0);
                return x.mul(c[0]).neg().add(x.mul(x.log()).add(y.mul(y.log())).mul(eps)).sum(-1);
            }

            @Override
            public Var equalities(Var x, Var[] c) {
                return x.sum(-1).reshape(x.dim(0), 1).add(-k);
            }
        };
        Sqp sqp = Sqp.builder(N, problem).equalities(1).start(Tensor.full((double) k / N, N)).build();
        Tensor scores = randn(5, B, N);
        Tensor g = randn(6, B, N);
        Var c = Var.param(scores);
        // Full Newton steps from the centre leave (0, 1) on this entropy; the forward is LML's closed form,
        // completed with the multiplier nu = c_i - eps logit(x_i) of 1^T x = k (the same for every i).
        FoldedLayer layer = new FoldedLayer(params -> {
            Tensor xs = TopK.binaryEntropy(Var.constant(params[0]), k, eps).value();
            double[] state = new double[B * (N + 1)];
            for (int b = 0; b < B; b++) {
                double nu = 0;
                for (int i = 0; i < N; i++) {
                    double xi = xs.get(b, i);
                    state[b * (N + 1) + i] = xi;
                    nu += (params[0].get(b, i) - eps * Math.log(xi / (1 - xi))) / N;
                }
                state[b * (N + 1) + N] = nu;
            }
            return Tensor.wrap(state, B, N + 1);
        }, sqp.updateMap(), FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-12));
        Var x = sqp.output(layer.apply(c));
        Tensor folded = Autodiff.vjp(new Var[] {x}, new Var[] {c}, new Tensor[] {g})[0];
        Var c2 = Var.param(scores);
        Var lml = TopK.binaryEntropy(c2, k, eps);
        assertTrue(relErr(x.value(), lml.value()) < 1e-10, "SQP reaches the LML solution");
        Tensor expected = Autodiff.vjp(new Var[] {lml}, new Var[] {c2}, new Tensor[] {g})[0];
        assertTrue(relErr(folded, expected) < 1e-7, "folded SQP vs LML: " + relErr(folded, expected));
    }

    @Test
    void badSettingsAndInfeasibleSubproblemsAreReported() {
        Sqp.Problem identity = (x, c) -> x;
        assertThrows(IllegalArgumentException.class, () -> Sqp.builder(0, identity).build());
        IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
                () -> Sqp.builder(N, identity).step(1.5).build());
        assertTrue(step.getMessage().contains("step must be in (0, 1]"), step.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sqp.builder(N, identity).inequalities(-1).build());
        assertThrows(IllegalArgumentException.class, () -> Sqp.builder(N, identity).start(Tensor.zeros(N + 1))
                .build());
        // gamma < 0: x^T S x <= gamma is infeasible; the QP subproblem reports it for the instance.
        Sqp infeasible = portfolio(-1.0);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> infeasible.solver(1e-10, 50).solve(new Tensor[] {randn(7, B, N)}));
        assertTrue(e.getMessage().contains("instance"), e.getMessage());
    }
}
