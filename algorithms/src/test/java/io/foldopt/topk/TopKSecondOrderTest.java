package io.foldopt.topk;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The top-k layers' VJP is first order: a second differentiation throws instead of giving zero. */
class TopKSecondOrderTest {
    @Test
    void secondOrderVjpThrows() {
        Var c = Var.param(Tensor.randn(new SplittableRandom(1), 2, 5));
        Var x = TopK.binaryEntropy(c, 2, 0.5);
        Var g = Autodiff.gradGraph(x.mul(x).sum(), c);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.grad(g.sum(), c));
        assertTrue(e.getMessage().contains("top-k"), e.getMessage());
    }
}
