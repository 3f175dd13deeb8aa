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
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolveException;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.linalg.AutoSolver;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK;
import java.util.function.Supplier;
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
        return Sqp.builder(N, portfolioProblem(gamma, false)).inequalities(N + 2).build();
    }

    /**
     * @param closedForm whether the problem gives {@code grad f}, {@code J_g} and {@code H} in closed form
     *     ({@code 0.2 x - c}, {@code (2 S x; 1^T; -I)}, {@code 0.2 I + 2 lambda_risk S}) instead of autodiff's
     */
    private static Sqp.Problem portfolioProblem(double gamma, boolean closedForm) {
        Tensor s = FoldingAssertions.spd(N, 0.1, 1).map(v -> 0.1 * v);
        Var sigma = Var.constant(s);
        Sqp.Problem autodiff = new Sqp.Problem() {
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
        if (!closedForm) {
            return autodiff;
        }
        Var twoSigma = Var.constant(s.map(v -> 2 * v));
        Var ridge = Var.constant(Tensor.eye(N).map(v -> 0.2 * v));
        double[] linear = new double[(N + 1) * N];
        java.util.Arrays.fill(linear, 0, N, 1.0);
        for (int i = 0; i < N; i++) {
            linear[N + i * N + i] = -1;
        }
        return new Sqp.Problem() {
            @Override
            public Var objective(Var x, Var[] c) {
                return autodiff.objective(x, c);
            }

            @Override
            public Var inequalities(Var x, Var[] c) {
                return autodiff.inequalities(x, c);
            }

            @Override
            public Var objectiveGradient(Var x, Var[] c) {
                return x.mul(0.2).sub(c[0]);
            }

            @Override
            public Var inequalityJacobian(Var x, Var[] c, Var g) {
                int batch = x.dim(0);
                double[] rows = new double[batch * linear.length];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(linear, 0, rows, b * linear.length, linear.length);
                }
                return Structure.concat(x.matmul(twoSigma), Var.constant(Tensor.wrap(rows, batch, linear.length)))
                        .reshape(batch, N + 2, N);
            }

            @Override
            public Var hessian(Var x, Var[] c, Var lambda, Var nu, Supplier<Var> gradLagrangian) {
                return lambda.slice(0, 1).reshape(x.dim(0), 1, 1).mul(twoSigma).add(ridge);
            }
        };
    }

    /**
     * A problem's closed-form derivatives give the step that autodiff's give, recorded (value and VJP) and not
     * (the forward solver's), and the folded layer built on them matches DIRECT and finite differences.
     */
    @Test
    void closedFormDerivativesGiveAutodiffsStep() {
        double gamma = 0.02;
        Sqp autodiff = portfolio(gamma);
        Sqp closed = Sqp.builder(N, portfolioProblem(gamma, true)).inequalities(N + 2).build();
        Tensor c = randn(8, B, N).map(v -> 0.2 * v + 0.1);
        Tensor state = assertFixedPoint(autodiff, new Tensor[] {c}, 1e-10);
        // Away from the fixed point too: a state with positive multipliers, so that H has its second term.
        double[] shifted = state.data().clone();
        double[] noise = randn(9, B, 2 * N + 2).data();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 0.01 * Math.abs(noise[i]);
        }
        Tensor perturbed = Tensor.wrap(shifted, B, 2 * N + 2);
        Tensor cotangent = randn(10, B, 2 * N + 2);
        for (Tensor at : new Tensor[] {state, perturbed}) {
            Tensor[] expected = stepAndVjp(autodiff, at, c, cotangent);
            Tensor[] actual = stepAndVjp(closed, at, c, cotangent);
            // Relative to the cotangent's norm: at the fixed point the VJP to s is rounding (Phi = 0).
            for (int i = 0; i < 3; i++) {
                double error = distance(actual[i], expected[i]);
                assertTrue(error <= 1e-10 * Math.max(expected[i].norm(), cotangent.norm()), "output " + i + ": "
                        + error);
            }
            Tensor unrecorded = GradMode.noGrad(() -> closed.updateMap().apply(Var.constant(at),
                    new Var[] {Var.constant(c)}).value());
            assertTrue(relErr(unrecorded, expected[0]) < 1e-10, "unrecorded step: " + relErr(unrecorded, expected[0]));
        }
        assertTrue(relErr(assertFixedPoint(closed, new Tensor[] {c}, 1e-10), state) < 1e-9);
        Var cv = Var.param(c);
        assertMethodsAgree("sqp portfolio, closed forms", closed, new Var[] {cv}, new Var[0], randn(11, B, N), 1e-8);
        FoldedLayer layer = closed.layer(FoldOptions.defaults().withSolver(BatchedLinearSolver.LFPI));
        assertFiniteDifferences(p -> layer.apply(p[0]), new Tensor[] {c}, 1e-6, 1e-5);
    }

    /** @return {@code ||a - b||} */
    private static double distance(Tensor a, Tensor b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d += Math.pow(a.data()[i] - b.data()[i], 2);
        }
        return Math.sqrt(d);
    }

    /** @return the recorded step {@code U(s, c)} and its VJPs to {@code s} and {@code c} along {@code cotangent} */
    private static Tensor[] stepAndVjp(Sqp sqp, Tensor s, Tensor c, Tensor cotangent) {
        Var sv = Var.param(s);
        Var cv = Var.param(c);
        Var next = sqp.updateMap().apply(sv, new Var[] {cv});
        Tensor[] vjp = Autodiff.vjp(new Var[] {next}, new Var[] {sv, cv}, new Tensor[] {cotangent});
        return new Tensor[] {next.value(), vjp[0], vjp[1]};
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

    /**
     * The forward solver steps each instance until its own tolerance: the lockstep iteration of the same step reaches
     * the same states; an instance that has not converged at the iteration limit is named.
     */
    @Test
    void forwardSolverStopsEachInstanceAtItsOwnTolerance() {
        Sqp sqp = portfolio(0.02);
        Tensor c = randn(12, B, N).map(v -> 0.2 * v + 0.1);
        Tensor own = sqp.solver(1e-10, 50).solve(new Tensor[] {c});
        Tensor lockstep = ForwardSolver.iterating(sqp.updateMap(), params -> Tensor.zeros(B, 2 * N + 2), 1e-10, 50)
                .solve(new Tensor[] {c});
        assertTrue(relErr(own, lockstep) < 1e-9, "per instance vs lockstep: " + relErr(own, lockstep));
        ForwardSolveException limit = assertThrows(ForwardSolveException.class,
                () -> sqp.solver(1e-10, 1).solve(new Tensor[] {c}));
        assertEquals(Status.ITERATION_LIMIT, limit.status());
        assertTrue(limit.getMessage().contains("instance " + limit.instance()), limit.getMessage());
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
