package io.foldopt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Kaiming initialization statistics, seeding, and the structure and mode switch of MLPs. */
class InitializationTest {
    @Test
    void linearWeightsAreKaimingNormalAndBiasesZero() {
        int in = 500;
        int out = 200;
        Linear layer = new Linear(in, out, new SplittableRandom(3));
        double[] w = layer.weight().value().data();
        int n = w.length;
        double mean = Arrays.stream(w).average().orElseThrow();
        double var = Arrays.stream(w).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        double kurtosis = Arrays.stream(w).map(v -> Math.pow(v - mean, 4)).sum() / n / (var * var);
        double target = 2.0 / in;
        // Standard errors: mean sqrt(target / n) = 2e-4, variance target sqrt(2 / n) = 0.45%, kurtosis
        // sqrt(24 / n) = 0.015 (3 for a normal law, 1.8 for a uniform one).
        assertEquals(0.0, mean, 1e-3);
        assertEquals(target, var, 0.025 * target);
        assertEquals(3.0, kurtosis, 0.1);
        assertArrayEquals(new double[out], layer.bias().value().data());
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        double[] a = new Linear(4, 3, new SplittableRandom(42)).weight().value().data();
        double[] b = new Linear(4, 3, new SplittableRandom(42)).weight().value().data();
        double[] c = new Linear(4, 3, new SplittableRandom(43)).weight().value().data();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        List<Parameter> p = Mlp.of(new int[] {3, 8, 2}, true, 0.1, 9).parameters();
        List<Parameter> q = Mlp.of(new int[] {3, 8, 2}, true, 0.1, 9).parameters();
        for (int i = 0; i < p.size(); i++) {
            assertArrayEquals(p.get(i).value().data(), q.get(i).value().data(), p.get(i).name());
        }
    }

    @Test
    void mlpStructureParametersAndModeSwitch() {
        Sequential mlp = Mlp.of(new int[] {3, 8, 6, 2}, true, 0.2, 1);
        List<Layer> m = mlp.modules();
        List<Class<?>> types = List.of(Linear.class, BatchNorm1d.class, ReLU.class, Dropout.class, Linear.class,
                BatchNorm1d.class, ReLU.class, Dropout.class, Linear.class);
        assertEquals(types.size(), m.size());
        for (int i = 0; i < m.size(); i++) {
            assertInstanceOf(types.get(i), m.get(i), "module " + i);
        }
        // Three (weight, bias) pairs and two (gamma, beta) pairs.
        assertEquals(10, mlp.parameters().size());
        assertEquals(4, Mlp.of(new int[] {3, 8, 2}, false, 0.0, 1).parameters().size());
        mlp.eval();
        assertFalse(((BatchNorm1d) m.get(1)).isTraining());
        assertFalse(((Dropout) m.get(7)).isTraining());
        mlp.train();
        assertTrue(((BatchNorm1d) m.get(5)).isTraining());
        assertTrue(((Dropout) m.get(3)).isTraining());
    }
}
