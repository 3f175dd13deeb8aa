package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.check.RandomMatrices;
import io.foldopt.linalg.Vec;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The warm-started active-set QP solver: the interior-point solutions on sequences of projections with
 * changing points and data, one step for an unchanged active set, the fallback's statuses, and the derivative of
 * {@link DifferentiableQp} over its solutions.
 */
class WarmStartQpSolverTest {
    private static final int N = 12;
    private static final int P = 3;
    private static final int M = 10;

    /** @return {@code {A, b, G, h}} of a polyhedron {@code {A z = b, G z <= h}} that contains 0 in its interior */
    private static Tensor[] polyhedron(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Tensor[] {Tensor.randn(rng, P, N), Tensor.zeros(P), Tensor.randn(rng, M, N),
                Tensor.randn(rng, M).map(v -> 0.2 + Math.abs(v))};
    }

    private static QpProblem projection(Tensor[] set, Tensor y) {
        return QpProblem.of(Tensor.eye(N), y.map(v -> -v), set[0], set[1], set[2], set[3]);
    }

    @Test
    void sequencesOfProjectionsMatchTheInteriorPointSolutions() {
        Tensor[] set = polyhedron(1);
        WarmStartQpSolver warm = new WarmStartQpSolver();
        InteriorPointQpSolver ipm = new InteriorPointQpSolver();
        SplittableRandom rng = new SplittableRandom(2);
        Tensor[] y = new Tensor[3];
        for (int k = 0; k < y.length; k++) {
            y[k] = Tensor.randn(rng, N).map(v -> 2 * v);
        }
        int warmSolves = 0;
        for (int step = 0; step < 30; step++) {
            for (int k = 0; k < y.length; k++) {
                // A projected-gradient-like drift of each instance's point, with a jump now and then.
                y[k] = step % 10 == 9 ? Tensor.randn(rng, N).map(v -> 2 * v) : plus(y[k], 0.05, rng);
                QpProblem pr = projection(set, y[k]);
                QpSolution s = warm.solve(pr, k);
                QpSolution ref = ipm.solve(pr);
                assertEquals(Status.OPTIMAL, s.status(), "step " + step + ", instance " + k);
                assertTrue(relErr(s.z(), ref.z()) < 1e-8, "step " + step + ", instance " + k + ": z");
                assertTrue(relErr(s.lambda(), ref.lambda()) < 1e-6, "step " + step + ", instance " + k + ": lambda");
                assertTrue(s.kktResidual() < 1e-10, "residual " + s.kktResidual());
                warmSolves += step % 10 != 9 && s.iterations() <= 2 ? 1 : 0;
            }
        }
        // 81 solves after a small drift: nearly all keep their active set or change it in one step.
        assertTrue(warmSolves > 60, "warm starts settled in two steps in only " + warmSolves + " of 81 solves");
    }

    @Test
    void anUnchangedActiveSetCostsOneStepAndChangedMatricesAreRefactored() {
        Tensor[] set = polyhedron(3);
        WarmStartQpSolver warm = new WarmStartQpSolver();
        Tensor y = Tensor.randn(new SplittableRandom(4), N).map(v -> 3 * v);
        warm.solve(projection(set, y), 0);
        QpSolution again = warm.solve(projection(set, y.map(v -> v * (1 + 1e-9))), 0);
        assertEquals(1, again.iterations(), "the kept active set should give the solution in one step");
        // Another G for the same index: the kept active set is only a guess, the matrix data are recomputed.
        Tensor[] other = polyhedron(5);
        QpProblem moved = projection(other, y);
        QpSolution s = warm.solve(moved, 0);
        QpSolution ref = new InteriorPointQpSolver().solve(moved);
        assertEquals(Status.OPTIMAL, s.status());
        assertTrue(relErr(s.z(), ref.z()) < 1e-8, "z after a change of G");
    }

    /**
     * A kept active set that is dependent for the next problem of its index (a singular Schur complement) is
     * dropped for the empty set, which solves it without the fallback.
     */
    @Test
    void aKeptActiveSetThatIsDependentForTheNewDataRestartsFromTheEmptySet() {
        QpSolver noFallback = problem -> {
            throw new AssertionError("the fallback was called");
        };
        WarmStartQpSolver warm = new WarmStartQpSolver(noFallback);
        // z_1 <= -1 and z_2 <= -1 are both active at the projection of 0.
        QpSolution first = warm.solve(QpProblem.of(Tensor.eye(2), Tensor.zeros(2), null, null, Tensor.eye(2),
                Tensor.of(new double[] {-1, -1}, 2)), 0);
        assertEquals(2, IntStream.range(0, 2).filter(i -> first.lambda()[i] > 0).count());
        // The slab -1 <= z_1 <= 1 (rows z_1 and -z_1, dependent) around the unconstrained minimum (0.5, 0.5).
        QpSolution second = warm.solve(QpProblem.of(Tensor.eye(2), Tensor.full(-0.5, 2), null, null,
                Tensor.of(new double[] {1, 0, -1, 0}, 2, 2), Tensor.full(1.0, 2)), 0);
        assertEquals(Status.OPTIMAL, second.status());
        assertArrayEquals(new double[] {0.5, 0.5}, second.z(), 1e-15);
        assertArrayEquals(new double[] {0, 0}, second.lambda(), 0.0);
    }

    @Test
    void theFallbackReportsInfeasibleInstancesAndWithoutAnIndexSolvesAlone() {
        // z_1 <= -1 and -z_1 <= -1: empty.
        double[] g = new double[2 * 2];
        g[0] = 1;
        g[2] = -1;
        QpProblem empty = QpProblem.of(Tensor.eye(2), Tensor.zeros(2), null, null, Tensor.wrap(g, 2, 2),
                Tensor.of(new double[] {-1, -1}, 2));
        WarmStartQpSolver warm = new WarmStartQpSolver();
        assertEquals(Status.INFEASIBLE, warm.solve(empty, 0).status());
        assertEquals(Status.INFEASIBLE, warm.solve(empty, 0).status());
        assertEquals(Status.INFEASIBLE, warm.solve(empty).status());
        assertThrows(IllegalArgumentException.class, () -> new WarmStartQpSolver(null));
    }

    @Test
    void gradientsOfWarmStartedProjectionsMatchTheInteriorPointLayerAndFiniteDifferences() {
        Tensor[] set = polyhedron(6);
        QpOptions warmOptions = QpOptions.defaults().withSolver(new WarmStartQpSolver());
        SplittableRandom rng = new SplittableRandom(7);
        Tensor cotangent = Tensor.randn(rng, 4, N);
        Tensor y = Tensor.randn(rng, 4, N).map(v -> 2 * v);
        for (int call = 0; call < 3; call++) {
            // Calls 2 and 3 start from the kept active sets.
            Tensor at = plus(y, 1e-3, rng);
            double[][] gWarm = gradients(at, set, warmOptions, cotangent);
            double[][] gIpm = gradients(at, set, QpOptions.defaults(), cotangent);
            for (int i = 0; i < gWarm.length; i++) {
                assertTrue(relErr(gWarm[i], gIpm[i]) < 1e-8, "call " + call + ", input " + i);
            }
        }
        GradientCheck.Result r = GradientCheck.check(x -> project(x[0], x[1], set, warmOptions),
                new Tensor[] {y, set[3]}, 4, 1e-6, 8);
        assertTrue(r.passes(1e-6), "relative error " + r.worstRelativeError());
    }

    /**
     * The Gram data's three kinds of {@code P} (the identity, diagonal, dense): solutions and gradients of the
     * warm-started layer equal the interior-point layer's, on the same sequence of calls.
     */
    @Test
    void diagonalAndDensePGiveTheInteriorPointSolutionsAndGradients() {
        Tensor[] set = polyhedron(9);
        double[] diagonal = new double[N * N];
        for (int i = 0; i < N; i++) {
            diagonal[i * N + i] = 0.5 + 0.25 * i;
        }
        Tensor[] kinds = {Tensor.eye(N), Tensor.wrap(diagonal, N, N), RandomMatrices.spd(N, 0.5, 10)};
        SplittableRandom rng = new SplittableRandom(11);
        Tensor cotangent = Tensor.randn(rng, 4, N);
        for (Tensor pm : kinds) {
            QpOptions warmOptions = QpOptions.defaults().withSolver(new WarmStartQpSolver());
            Tensor y = Tensor.randn(rng, 4, N).map(v -> 2 * v);
            for (int call = 0; call < 2; call++) {
                Tensor at = plus(y, 1e-3, rng);
                double[][] warm = solveAndGradients(pm, at, set, warmOptions, cotangent);
                double[][] ipm = solveAndGradients(pm, at, set, QpOptions.defaults(), cotangent);
                for (int i = 0; i < warm.length; i++) {
                    assertTrue(relErr(warm[i], ipm[i]) < 1e-8, "P " + pm.get(1, 1) + ", call " + call + ", output "
                            + i + ": " + relErr(warm[i], ipm[i]));
                }
            }
        }
    }

    /** @return the solutions of {@code min 1/2 z^T P z - y^T z} over the set and the gradients to {@code y, h} */
    private static double[][] solveAndGradients(Tensor pm, Tensor y, Tensor[] set, QpOptions options,
            Tensor cotangent) {
        Var yv = Var.param(y);
        Var hv = Var.param(set[3]);
        Var out = DifferentiableQp.solve(Var.constant(pm), yv.neg(), Var.constant(set[0]), Var.constant(set[1]),
                Var.constant(set[2]), hv, options);
        Tensor[] g = Autodiff.grad(out.mul(Var.constant(cotangent)).sum(), yv, hv);
        return new double[][] {out.value().data(), g[0].data(), g[1].data()};
    }

    private static Var project(Var y, Var h, Tensor[] set, QpOptions options) {
        return DifferentiableQp.solve(Var.constant(Tensor.eye(N)), y.neg(), Var.constant(set[0]),
                Var.constant(set[1]), Var.constant(set[2]), h, options);
    }

    /** @return the gradients of {@code <cotangent, Proj(y)>} with respect to {@code y} and {@code h} */
    private static double[][] gradients(Tensor y, Tensor[] set, QpOptions options, Tensor cotangent) {
        Var yv = Var.param(y);
        Var hv = Var.param(set[3]);
        Var out = project(yv, hv, set, options);
        Tensor[] g = Autodiff.grad(out.mul(Var.constant(cotangent)).sum(), yv, hv);
        return new double[][] {g[0].data(), g[1].data()};
    }

    /** @return {@code t + scale e} with {@code e} standard normal */
    private static Tensor plus(Tensor t, double scale, SplittableRandom rng) {
        double[] e = Tensor.randn(rng, t.shape()).data();
        double[] out = t.data().clone();
        Vec.axpy(scale, e, 0, out, 0, out.length);
        return Tensor.wrap(out, t.shape());
    }

    /** @return {@code ||a - b||_inf / max(1, ||b||_inf)} */
    private static double relErr(double[] a, double[] b) {
        assertArrayEquals(new int[] {b.length}, new int[] {a.length});
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst / Math.max(1.0, Vec.normInf(b));
    }
}
