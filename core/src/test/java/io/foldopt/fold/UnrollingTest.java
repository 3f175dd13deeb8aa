package io.foldopt.fold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An {@link Unrolling} scope turns a folded layer into the unrolled layer of the same update, on the linear map
 * {@code U(x, c) = x - alpha (x A + c)} of {@link FoldedLayerTest}, whose {@code Phi = I - alpha A} has
 * {@code rho < 1}.
 */
class UnrollingTest {
    private static final int N = 8;
    private static final int B = 3;

    @Test
    void insideTheScopeAFoldedLayerIsTheUnrolledLayerFromTheGivenStart() {
        Tensor a = FoldedLayerTest.spd(N, 0.5, 11);
        Var av = Var.constant(a);
        double alpha = 1.0 / (FoldedLayerTest.lambdaMax(a) + 1.0);
        UpdateMap step = FoldedLayerTest.linearStep(av, alpha);
        FoldedLayer folded = new FoldedLayer(FoldedLayerTest.exactSolver(av), step, FoldOptions.defaults()
                .withSolver(BatchedLinearSolver.DIRECT));
        Tensor c = Tensor.randn(new SplittableRandom(12), B, N);
        Tensor g = Tensor.randn(new SplittableRandom(13), B, N);
        Tensor x0 = Tensor.randn(new SplittableRandom(14), B, N);
        Tensor foldedGrad = FoldedLayerTest.gradOf(folded, c, g);

        Unrolling three = new Unrolling(3, x -> x0);
        Tensor inScope = three.during(() -> FoldedLayerTest.gradOf(folded, c, g));
        Tensor unrolled = FoldedLayerTest.gradOf(new UnrolledLayer(step, p -> x0, 3), c, g);
        assertEquals(0.0, FoldedLayerTest.relErr(inScope, unrolled), 1e-15);
        assertTrue(FoldedLayerTest.relErr(inScope, foldedGrad) > 1e-2, "three steps are not the folded gradient");
        assertEquals(1, three.unrolledLayers());
        // outside the scope the layer folds again
        assertEquals(0.0, FoldedLayerTest.relErr(FoldedLayerTest.gradOf(folded, c, g), foldedGrad), 1e-15);

        // from x*, K steps give the truncated series sum_{k<K} (Phi^T)^k g: the folded gradient as K grows
        Unrolling many = new Unrolling(2000, x -> x);
        Tensor fromSolution = many.during(() -> FoldedLayerTest.gradOf(folded, c, g));
        assertTrue(FoldedLayerTest.relErr(fromSolution, foldedGrad) < 1e-9,
                "2000 steps from x*: " + FoldedLayerTest.relErr(fromSolution, foldedGrad));
        // scopes nest: the inner one applies inside it, the outer one again after it
        Tensor nested = three.during(() -> {
            many.during(() -> FoldedLayerTest.gradOf(folded, c, g));
            return FoldedLayerTest.gradOf(folded, c, g);
        });
        assertEquals(0.0, FoldedLayerTest.relErr(nested, unrolled), 1e-15);
        assertEquals(2, many.unrolledLayers());
    }

    @Test
    void aStartOfTheWrongShapeOrNoIterationsIsRefused() {
        Tensor a = FoldedLayerTest.spd(N, 0.5, 21);
        Var av = Var.constant(a);
        FoldedLayer folded = new FoldedLayer(FoldedLayerTest.exactSolver(av), FoldedLayerTest.linearStep(av, 0.1),
                FoldOptions.defaults());
        Var c = Var.param(Tensor.randn(new SplittableRandom(22), B, N));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Unrolling(2, x -> Tensor.zeros(B, N + 1)).during(() -> folded.apply(c)));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Unrolling(0, x -> x));
    }
}
