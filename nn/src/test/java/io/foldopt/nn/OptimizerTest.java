package io.foldopt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimizers against the first steps of PyTorch's update rules, computed by hand on
 * {@code f(w) = Σ_i (w_i - t_i)²}, {@code ∇f = 2 (w - t)}, from {@code w = (1, -1)}, {@code t = (3, 0)}.
 */
class OptimizerTest {
    private static final Tensor TARGET = Tensor.vector(3, 0);

    private static Parameter start() {
        return new Parameter("w", Tensor.vector(1, -1));
    }

    /** One step on {@code f}: the gradient by autodiff, then the optimizer's update. */
    private static double[] step(Optimizer opt, Parameter w) {
        Var d = w.var().sub(Var.constant(TARGET));
        opt.step(List.of(Autodiff.grad(d.mul(d).sum(), w.var())[0]));
        return w.value().toArray();
    }

    @Test
    void minimizeTakesTheStepOfTheLossGradient() {
        Parameter a = start();
        Parameter b = start();
        Adam byLoss = new Adam(List.of(a), 0.1);
        Adam byGradient = new Adam(List.of(b), 0.1, 0.9, 0.999, 1e-8);
        for (int k = 0; k < 3; k++) {
            Var lossA = a.var().sub(Var.constant(TARGET)).pow(2).sum();
            Var lossB = b.var().sub(Var.constant(TARGET)).pow(2).sum();
            assertEquals(lossB.item(), byLoss.minimize(lossA), 0.0);
            byGradient.step(List.of(Autodiff.grad(lossB, b.var())[0]));
            assertArrayEquals(b.value().data(), a.value().data(), 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> byLoss.minimize(a.var()));
    }

    @Test
    void sgdWithMomentum() {
        Parameter w = start();
        Sgd sgd = new Sgd(List.of(w), 0.1, 0.9);
        // g = (-4, -2), b = g, w = (1, -1) + 0.1 (4, 2).
        assertArrayEquals(new double[] {1.4, -0.8}, step(sgd, w), 1e-14);
        // g = (-3.2, -1.6), b = 0.9 (-4, -2) + g = (-6.8, -3.4).
        assertArrayEquals(new double[] {2.08, -0.46}, step(sgd, w), 1e-14);
        // g = (-1.84, -0.92), b = 0.9 (-6.8, -3.4) + g = (-7.96, -3.98).
        assertArrayEquals(new double[] {2.876, -0.062}, step(sgd, w), 1e-14);
    }

    @Test
    void sgdWithMomentumAndWeightDecay() {
        Parameter w = start();
        Sgd sgd = new Sgd(List.of(w), 0.1, 0.9, 0.1);
        // d = g + 0.1 w = (-3.9, -2.1), b = d.
        assertArrayEquals(new double[] {1.39, -0.79}, step(sgd, w), 1e-14);
        // d = (-3.22 + 0.139, -1.58 - 0.079) = (-3.081, -1.659), b = 0.9 (-3.9, -2.1) + d = (-6.591, -3.549).
        assertArrayEquals(new double[] {2.0491, -0.4351}, step(sgd, w), 1e-14);
        // d = (-1.9018 + 0.20491, -0.8702 - 0.04351), b = 0.9 b + d = (-7.62879, -4.10781).
        assertArrayEquals(new double[] {2.811979, -0.024319}, step(sgd, w), 1e-14);
    }

    @Test
    void plainSgdFollowsTheLearningRateSchedule() {
        Parameter w = start();
        Sgd sgd = new Sgd(List.of(w), 0.1, 0.0);
        assertArrayEquals(new double[] {1.4, -0.8}, step(sgd, w), 1e-14);
        sgd.setLearningRate(0.5);
        assertEquals(0.5, sgd.learningRate());
        // g = (-3.2, -1.6): w = (1.4, -0.8) + 0.5 (3.2, 1.6) lands on the target.
        assertArrayEquals(new double[] {3.0, 0.0}, step(sgd, w), 1e-14);
    }

    @Test
    void adam() {
        Parameter w = start();
        Adam adam = new Adam(List.of(w), 0.1, 0.9, 0.999, 1e-8);
        // Step 1: m = 0.1 g, v = 0.001 g², so m̂ = g, √v̂ = |g|: w = w - 0.1 g / (|g| + 1e-8).
        assertArrayEquals(new double[] {1 + 0.1 * 4 / (4 + 1e-8), -1 + 0.1 * 2 / (2 + 1e-8)}, step(adam, w), 1e-15);
        // Step 2: g = (-3.8, -1.8) (to 1e-9), m = (-0.74, -0.36), v = (0.030424, 0.007236),
        // m̂ = m / 0.19, v̂ = v / 0.001999.
        assertArrayEquals(new double[] {1.1998335138842988, -0.8004122286917928}, step(adam, w), 1e-12);
        // Step 3: g = (-3.6003, -1.6008), m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g², m̂ = m / 0.271,
        // v̂ = v / 0.002997001.
        assertArrayEquals(new double[] {1.2993766079535347, -0.7015862729460303}, step(adam, w), 1e-12);
    }

    @Test
    void adamWShrinksTheWeightsWithoutAGradient() {
        Parameter w = start();
        Parameter u = start();
        AdamW adamW = new AdamW(List.of(w), 0.1, 0.9, 0.999, 1e-8, 0.5);
        Adam adam = new Adam(List.of(u), 0.1, 0.9, 0.999, 1e-8);
        double shrink = 1 - 0.1 * 0.5;
        for (int t = 1; t <= 3; t++) {
            adamW.step(List.of(Tensor.zeros(2)));
            adam.step(List.of(Tensor.zeros(2)));
            double f = Math.pow(shrink, t);
            assertArrayEquals(new double[] {f, -f}, w.value().data(), 1e-15);
            assertArrayEquals(new double[] {1, -1}, u.value().data());
        }
    }

    @Test
    void adamWDecayIsDecoupledFromTheGradientStep() {
        // With the same gradients, AdamW's step is Adam's step plus the decay -ηλθ: the moments never see
        // the decay (an L2 term would enter g and be rescaled by 1 / √v̂).
        List<Tensor> grads = List.of(Tensor.vector(1000, -0.001), Tensor.vector(-300, 0.002), Tensor.vector(50, 0.0));
        Parameter w = start();
        Parameter u = start();
        double lr = 0.01;
        double decay = 0.2;
        AdamW adamW = new AdamW(List.of(w), lr, 0.9, 0.999, 1e-8, decay);
        Adam adam = new Adam(List.of(u), lr, 0.9, 0.999, 1e-8);
        for (Tensor g : grads) {
            double[] before = w.value().toArray();
            double[] adamBefore = u.value().toArray();
            adamW.step(List.of(g));
            adam.step(List.of(g));
            for (int i = 0; i < 2; i++) {
                double adamStep = u.value().get(i) - adamBefore[i];
                assertEquals((1 - lr * decay) * before[i] + adamStep, w.value().get(i), 1e-14);
            }
        }
    }

    @Test
    void mapStepUpdatesOnlyTheGivenParametersWithTheirOwnStepCount() {
        Parameter a = new Parameter("a", Tensor.vector(1.0));
        Parameter b = new Parameter("b", Tensor.vector(5.0));
        Adam adam = new Adam(List.of(a, b), 0.1, 0.9, 0.999, 1e-8);
        adam.step(Map.of(a, Tensor.vector(2.0)));
        adam.step(Map.of(a, Tensor.vector(2.0)));
        assertEquals(5.0, b.value().get(0));
        // b's first update is a first Adam step (bias corrections with t = 1): a move of -0.1 sign(g).
        adam.step(Map.of(b, Tensor.vector(-3.0)));
        assertEquals(5.0 + 0.1 * 3 / (3 + 1e-8), b.value().get(0), 1e-15);
        Parameter stranger = new Parameter("c", Tensor.vector(0.0));
        assertThrows(IllegalArgumentException.class, () -> adam.step(Map.of(stranger, Tensor.vector(1.0))));
    }

    @Test
    void badGradientsAndParameterListsAreRejected() {
        Parameter w = start();
        Sgd sgd = new Sgd(List.of(w), 0.1, 0.0);
        assertThrows(IllegalArgumentException.class, () -> sgd.step(List.of(Tensor.zeros(3))));
        assertThrows(IllegalArgumentException.class, () -> sgd.step(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(w, w), 0.1, 0.0));
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(Double.NaN));
    }
}
