package io.foldopt.nn;

import static io.foldopt.nn.Gradients.assertVjp;
import static io.foldopt.nn.Gradients.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Values and VJPs (against finite differences) of the layers. */
class LayerGradientTest {
    private final SplittableRandom rng = new SplittableRandom(2024);

    @Test
    void linearComputesXTimesWPlusB() {
        Linear layer = new Linear(2, 3, rng);
        layer.weight().set(Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}}));
        layer.bias().set(Tensor.vector(0.5, -1, 2));
        Var y = layer.forward(Var.constant(Tensor.matrix(new double[][] {{1, -1}, {0, 2}})));
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new double[] {-2.5, -4, -1, 8.5, 9, 14}, y.value().data(), 1e-15);
    }

    @Test
    void linearVjpInInputWeightAndBias() {
        assertVjp("affine", v -> Linear.affine(v[0], v[1], v[2]),
                Tensor.randn(rng, 5, 3), Tensor.randn(rng, 3, 4), Tensor.randn(rng, 4));
    }

    @Test
    void reluVjpAwayFromTheKink() {
        Tensor x = uniform(rng, 0.05, 2, 4, 6).map(v -> rng.nextBoolean() ? v : -v);
        assertVjp("relu", v -> new ReLU().forward(v[0]), x);
        assertArrayEquals(x.map(v -> Math.max(v, 0)).data(), new ReLU().forward(Var.constant(x)).value().data());
    }

    @Test
    void batchNormTrainingVjpInInputGammaAndBeta() {
        Tensor x = Tensor.randn(rng, 6, 4).map(v -> 3 * v + 1);
        assertVjp("batch norm (training)", v -> BatchNorm1d.normalize(v[0], v[1], v[2]),
                x, uniform(rng, 0.5, 2, 4), Tensor.randn(rng, 4));
    }

    @Test
    void batchNormModuleInTrainingModeIsTheBatchTransformWithItsParameters() {
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.gamma().set(Tensor.vector(0.5, 2, -1));
        bn.beta().set(Tensor.vector(1, 0, 3));
        Var x = Var.constant(Tensor.randn(rng, 5, 3));
        Tensor expected = BatchNorm1d.normalize(x, bn.gamma().var(), bn.beta().var()).value();
        assertArrayEquals(expected.data(), bn.forward(x).value().data(), 0.0);
    }

    @Test
    void batchNormEvaluationVjpInInput() {
        BatchNorm1d bn = new BatchNorm1d(4);
        bn.forward(Var.constant(Tensor.randn(rng, 8, 4).map(v -> 2 * v - 1)));
        bn.gamma().set(uniform(rng, 0.5, 2, 4));
        bn.beta().set(Tensor.randn(rng, 4));
        bn.eval();
        assertVjp("batch norm (evaluation)", v -> bn.forward(v[0]), Tensor.randn(rng, 3, 4));
    }

    @Test
    void dropoutVjpWithItsFixedMask() {
        // A fresh layer with the same seed draws the same mask at every evaluation.
        assertVjp("dropout", v -> new Dropout(0.4, 7).forward(v[0]), Tensor.randn(rng, 5, 6));
    }

    @Test
    void dropoutZeroesOrRescalesAndIsTheIdentityInEvaluation() {
        double p = 0.25;
        Dropout d = new Dropout(p, 11);
        Var x = Var.constant(Tensor.full(1.0, 400, 250));
        double[] y = d.forward(x).value().data();
        int kept = 0;
        for (double v : y) {
            if (v != 0) {
                assertEquals(1 / (1 - p), v, 1e-15);
                kept++;
            }
        }
        // Kept fraction 1 - p = 0.75 within about 8 standard errors (sqrt(p (1 - p) / n) = 8.7e-4).
        assertEquals(1 - p, kept / (double) y.length, 7e-3);
        assertNotEquals(java.util.Arrays.toString(y), java.util.Arrays.toString(d.forward(x).value().data()),
                "each call draws a new mask");
        assertArrayEquals(y, new Dropout(p, 11).forward(x).value().data(), "same seed, same mask");
        d.eval();
        assertSame(x, d.forward(x));
    }

    @Test
    void mlpVjpInItsInput() {
        Sequential mlp = Mlp.of(new int[] {3, 7, 5, 2}, true, 0.0, 5);
        assertVjp("mlp with batch norm", v -> mlp.forward(v[0]), Tensor.randn(rng, 6, 3));
    }
}
