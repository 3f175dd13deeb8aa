package io.foldopt.fold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.RandomMatrices;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The folded layer's VJP is first order: a second differentiation through it throws instead of giving zero. */
class FoldedLayerSecondOrderTest {
    private static final int N = 6;
    private static final int B = 2;

    @Test
    void secondOrderVjpThroughTheLayerThrows() {
        Tensor q = RandomMatrices.spd(N, 0.5, 3);
        Var qv = Var.constant(q);
        double alpha = 1.0 / (RandomMatrices.largestEigenvalue(q) + 1.0);
        FoldedLayer layer = new FoldedLayer(FoldedLayerTest.exactSolver(qv), FoldedLayerTest.linearStep(qv, alpha),
                FoldOptions.defaults());
        Var c = Var.param(Tensor.randn(new SplittableRandom(4), B, N));
        Var x = layer.apply(c);
        Var loss = x.mul(x).sum();
        Var g = Autodiff.gradGraph(loss, c);
        assertArrayEquals(Autodiff.grad(loss, c)[0].data(), g.value().data(), 1e-12, "the first derivative is kept");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.grad(g.sum(), c));
        assertTrue(e.getMessage().contains("folded layer") && e.getMessage().contains("first order"),
                e.getMessage());
        Var[] hv = Autodiff.vjp(new Var[] {x}, new Var[] {c}, new Var[] {Var.constant(Tensor.randn(
                new SplittableRandom(5), B, N))}, true);
        assertThrows(UnsupportedOperationException.class, () -> Autodiff.vjp(hv, new Var[] {c},
                new Var[] {Var.constant(Tensor.randn(new SplittableRandom(6), B, N))}, true));
    }
}
