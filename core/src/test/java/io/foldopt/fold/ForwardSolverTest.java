package io.foldopt.fold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ForwardSolver#iterating}: fixed points of {@code U(x, c) = x - alpha (x A + c)}, and its failures. */
class ForwardSolverTest {
    private static final int N = 8;
    private static final int B = 3;
    private static final Var A = Var.constant(FoldedLayerTest.spd(N, 1.0, 41));
    private static final UpdateMap STEP = FoldedLayerTest.linearStep(A, 1 / FoldedLayerTest.lambdaMax(A.value()));

    @Test
    void iteratesToTheFixedPointAndFoldsThroughIt() {
        Tensor c = Tensor.randn(new SplittableRandom(1), B, N);
        Tensor exact = FoldedLayerTest.exactSolver(A).solve(new Tensor[] {c});
        ForwardSolver iterating = ForwardSolver.iterating(STEP, 1e-13, 100_000);
        assertTrue(FoldedLayerTest.relErr(iterating.solve(new Tensor[] {c}), exact) < 1e-10);

        Tensor g = Tensor.randn(new SplittableRandom(2), B, N);
        Var cv = Var.param(c);
        LayerCall call = new FoldedLayer(iterating, STEP, FoldOptions.defaults()).call(cv);
        Tensor grad = Autodiff.vjp(new Var[] {call.output()}, new Var[] {cv}, new Tensor[] {g})[0];
        Tensor expected = LinearAlgebra.solve(A, Var.constant(g)).value().map(v -> -v);
        assertTrue(FoldedLayerTest.relErr(grad, expected) < 1e-9, "folded vs -g A^{-1}");
        assertTrue(call.report().orElseThrow().allOk());
    }

    @Test
    void anExhaustedBudgetOrANonFiniteIterateIsAStatusNamingTheInstance() {
        Tensor c = Tensor.randn(new SplittableRandom(3), B, N);
        ForwardSolveException limit = assertThrows(ForwardSolveException.class,
                () -> ForwardSolver.iterating(STEP, 1e-13, 5).solve(new Tensor[] {c}));
        assertEquals(Status.ITERATION_LIMIT, limit.status());
        assertTrue(limit.getMessage().contains("instance " + limit.instance()) && limit.getMessage().contains(
                "after 5 iterations"), limit.getMessage());

        UpdateMap blowsUp = (x, p) -> x.mul(2).add(p[0]);
        double[] big = new double[B * N];
        big[N + 3] = 1e300;
        ForwardSolveException nan = assertThrows(ForwardSolveException.class,
                () -> ForwardSolver.iterating(blowsUp, 1e-10, 100).solve(new Tensor[] {Tensor.wrap(big, B, N)}));
        assertEquals(Status.NUMERICAL_FAILURE, nan.status());
        assertEquals(1, nan.instance(), nan.getMessage());

        for (double bad : new double[] {1e300, 0, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ForwardSolver.iterating(STEP, bad, 10));
            assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ForwardSolver.iterating(STEP, 1e-8, 0));
    }
}
