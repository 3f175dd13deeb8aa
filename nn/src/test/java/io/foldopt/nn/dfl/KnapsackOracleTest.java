package io.foldopt.nn.dfl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KnapsackOracleTest {

    private static KnapsackOracle random(int dims, int items, double fill, SplittableRandom rng) {
        double[] w = new double[dims * items];
        double[] cap = new double[dims];
        for (int k = 0; k < dims; k++) {
            for (int j = 0; j < items; j++) {
                w[k * items + j] = Math.floor(rng.nextDouble(3, 8) * 100) / 100;
                cap[k] += fill * w[k * items + j];
            }
        }
        return new KnapsackOracle(Tensor.wrap(w, dims, items), cap);
    }

    @Test
    void matchesBruteForce() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int t = 0; t < 60; t++) {
            int dims = 1 + t % 3;
            KnapsackOracle oracle = random(dims, 12, rng.nextDouble(0.1, 0.7), rng);
            double[] wt = oracle.weights().data();
            double[] cap = oracle.capacity();
            BruteForce all = new BruteForce(12, w -> {
                for (int k = 0; k < dims; k++) {
                    double load = 0;
                    for (int j = 0; j < 12; j++) {
                        load += wt[k * 12 + j] * w[j];
                    }
                    if (load > cap[k]) {
                        return false;
                    }
                }
                return true;
            });
            double[] c = new double[12];
            for (int j = 0; j < 12; j++) {
                c[j] = t % 2 == 0 ? -Math.ceil(rng.nextDouble(0, 10)) : rng.nextDouble(-3, 1);
            }
            double[] w = oracle.solve(c);
            assertTrue(all.contains(w), "instance " + t + ": the decision must be feasible");
            assertEquals(all.value(c), BruteForce.dot(c, w), 1e-9, "instance " + t);
        }
    }

    @Test
    void pyEposSizeSolvesQuickly() {
        SplittableRandom rng = new SplittableRandom(2);
        KnapsackOracle oracle = random(2, 32, 0.1, rng);
        Tensor costs = Tensor.randn(rng, 200, 32).map(v -> -Math.abs(v) - 0.1);
        Tensor w = oracle.solveBatch(costs);
        for (int b = 0; b < 200; b++) {
            double[] load = new double[2];
            for (int j = 0; j < 32; j++) {
                assertTrue(w.get(b, j) == 0 || w.get(b, j) == 1);
                for (int k = 0; k < 2; k++) {
                    load[k] += oracle.weights().get(k, j) * w.get(b, j);
                }
            }
            assertTrue(load[0] <= oracle.capacity()[0] && load[1] <= oracle.capacity()[1]);
        }
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new KnapsackOracle(Tensor.wrap(new double[] {1, -1}, 1, 2), new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> new KnapsackOracle(Tensor.wrap(new double[] {1, 1}, 1, 2), new double[] {1, 2}));
        KnapsackOracle k = new KnapsackOracle(Tensor.wrap(new double[] {1, 1}, 1, 2), new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> k.solve(new double[] {Double.NaN, 1}));
        assertEquals(0, BruteForce.dot(new double[] {1, 2}, k.solve(new double[] {1, 2})), "nothing is worth taking");
    }
}
