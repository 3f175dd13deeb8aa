package io.foldopt.nn.dfl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlackBoxTest {
    private final ShortestPathOracle grid = ShortestPathOracle.grid(3, 3);
    private final BruteForce all = BruteForce.paths(grid);
    private final DecisionBatch truth = DecisionBatch.solve(grid,
            Tensor.randn(new SplittableRandom(1), 4, 12).map(v -> 1 + v / 2));

    @Test
    void lossIsTheRegret() {
        Tensor p = Tensor.randn(new SplittableRandom(2), 4, 12);
        double regret = 0;
        for (int b = 0; b < 4; b++) {
            regret += (BruteForce.dot(truth.costs().row(b), all.solve(p.row(b))) - truth.values().data()[b]) / 4;
        }
        assertEquals(regret, new BlackBox(grid, 10).evaluate(p, truth).loss(), 1e-12);
        assertTrue(regret > 0);
    }

    @Test
    void gradientIsTheDerivativeOfTheInterpolation() {
        SplittableRandom rng = new SplittableRandom(3);
        for (double lambda : new double[] {5, 20, 50}) {
            // f_lambda(c_hat) = mean_b (phi(c_hat_b + lambda c_b) - phi(c_hat_b)) / lambda, phi by enumeration.
            Tensor p = Tensor.randn(rng, 4, 12).map(v -> 0.3 * v);
            double[] g = new BlackBox(grid, lambda).evaluate(p, truth).gradient().data();
            assertTrue(java.util.Arrays.stream(g).anyMatch(v -> v != 0), "lambda " + lambda + ": zero gradient");
            for (int k = 0; k < 6; k++) {
                Tensor d = Tensor.randn(rng, 4, 12);
                double h = 1e-6;
                double numeric = (interpolation(shift(p, d, h), lambda) - interpolation(shift(p, d, -h), lambda))
                        / (2 * h);
                double analytic = 0;
                for (int i = 0; i < g.length; i++) {
                    analytic += g[i] * d.data()[i];
                }
                assertEquals(numeric, analytic, 1e-7 * Math.max(1, Math.abs(numeric)), "lambda " + lambda);
            }
        }
    }

    private static Tensor shift(Tensor p, Tensor d, double h) {
        double[] out = p.toArray();
        for (int i = 0; i < out.length; i++) {
            out[i] += h * d.data()[i];
        }
        return Tensor.wrap(out, p.shape());
    }

    private double interpolation(Tensor p, double lambda) {
        double sum = 0;
        for (int b = 0; b < 4; b++) {
            double[] pb = p.row(b);
            double[] shifted = pb.clone();
            double[] c = truth.costs().row(b);
            for (int j = 0; j < 12; j++) {
                shifted[j] += lambda * c[j];
            }
            sum += (all.value(shifted) - all.value(pb)) / lambda / 4;
        }
        return sum;
    }
}
