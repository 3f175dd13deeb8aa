package io.foldopt.nn;

import static io.foldopt.nn.Gradients.assertVjp;
import static io.foldopt.nn.Gradients.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Values, stability and VJPs of the losses. */
class LossesTest {
    private final SplittableRandom rng = new SplittableRandom(99);

    private static Var c(double[][] rows) {
        return Var.constant(Tensor.matrix(rows));
    }

    @Test
    void mseValueAndVjp() {
        Var loss = Losses.mse(c(new double[][] {{1, 2}, {3, 4}}), c(new double[][] {{0, 2}, {5, 1}}));
        assertEquals((1 + 0 + 4 + 9) / 4.0, loss.item(), 1e-15);
        assertVjp("mse", v -> Losses.mse(v[0], v[1]), Tensor.randn(rng, 4, 3), Tensor.randn(rng, 4, 3));
    }

    @Test
    void binaryCrossEntropyValueAndVjp() {
        double z = 0.7;
        double y = 0.2;
        double s = 1 / (1 + Math.exp(-z));
        Var loss = Losses.binaryCrossEntropyWithLogits(Var.constant(Tensor.vector(z)), Var.constant(Tensor.vector(y)));
        assertEquals(-(y * Math.log(s) + (1 - y) * Math.log(1 - s)), loss.item(), 1e-15);
        assertVjp("binary cross-entropy", v -> Losses.binaryCrossEntropyWithLogits(v[0], v[1]),
                Tensor.randn(rng, 3, 4).map(v -> 4 * v), uniform(rng, 0, 1, 3, 4));
    }

    @Test
    void binaryCrossEntropyIsStableForHugeLogits() {
        Var logits = Var.param(Tensor.vector(1000, -1000, 800));
        Var loss = Losses.binaryCrossEntropyWithLogits(logits, Var.constant(Tensor.vector(0, 1, 1)));
        // Wrong-side logits cost |z| each, the right-side one ~e^{-800} = 0.
        assertEquals(2000 / 3.0, loss.item(), 1e-9);
        // d/dz = (sigma(z) - y) / n.
        Tensor g = Autodiff.grad(loss, logits)[0];
        assertEquals(1 / 3.0, g.get(0), 1e-15);
        assertEquals(-1 / 3.0, g.get(1), 1e-15);
        assertEquals(0.0, g.get(2), 1e-15);
    }

    @Test
    void softmaxCrossEntropyValueAndVjp() {
        double[] z = {1, 2, 0.5};
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5));
        Var loss = Losses.softmaxCrossEntropy(c(new double[][] {z, {0, 0, 0}}),
                c(new double[][] {{0, 1, 0}, {0.5, 0.25, 0.25}}));
        assertEquals(((lse - 2) + Math.log(3)) / 2, loss.item(), 1e-15);
        Tensor distributions = uniform(rng, 0.1, 1, 4, 5);
        assertVjp("softmax cross-entropy", v -> Losses.softmaxCrossEntropy(v[0], v[1]),
                Tensor.randn(rng, 4, 5).map(v -> 3 * v), distributions);
    }

    @Test
    void softmaxCrossEntropyIsStableForHugeLogits() {
        Var logits = Var.param(Tensor.matrix(new double[][] {{1000, 0, -1000}, {-5000, -5000 + Math.log(3), -6000}}));
        Var loss = Losses.softmaxCrossEntropy(logits, c(new double[][] {{0, 1, 0}, {1, 0, 0}}));
        // Row 0 pays 1000 for the class 1000 below the best; row 1 pays log(1 + 3) for softmax 1/4.
        assertEquals((1000 + Math.log(4)) / 2, loss.item(), 1e-9);
        Tensor g = Autodiff.grad(loss, logits)[0];
        assertTrue(g.isFinite());
        // d/dz = (softmax(z) - y) / B.
        assertEquals(0.5, g.get(0, 0), 1e-15);
        assertEquals(-0.5, g.get(0, 1), 1e-15);
        // Row 1's logits carry rounding errors of about ulp(5000) = 1e-12.
        assertEquals((0.25 - 1) / 2, g.get(1, 0), 1e-11);
        assertEquals(0.75 / 2, g.get(1, 1), 1e-11);
    }

    @Test
    void mismatchedShapesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Losses.mse(Var.constant(Tensor.zeros(2, 3)), Var.constant(Tensor.zeros(3))));
    }
}
