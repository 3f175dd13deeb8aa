package io.foldopt.nn.dfl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.GradientCheck;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The perturbed losses against their definitions. On the 2x2 grid the two paths {0, 2} and {1, 3} make the
 * smoothed decision closed-form: path {0, 2} wins with probability {@code p = Φ((C2 - C1) / (2 sigma))}, where
 * {@code C1 = c0 + c2}, {@code C2 = c1 + c3} (each path cost carries noise of variance {@code 2 sigma^2}).
 */
class PerturbedLossesTest {
    private static final double SIGMA = 0.7;
    private final ShortestPathOracle square = ShortestPathOracle.grid(2, 2);
    private final double[] theta = {0.3, 0.5, 0.4, 0.1};
    private final DecisionBatch truth = DecisionBatch.solve(square, Tensor.wrap(new double[] {1, 0.2, 1, 0.3}, 1, 4));

    /** @return Φ(x), by Simpson's rule on the density over [-10, x] */
    private static double normalCdf(double x) {
        int steps = 20000;
        double a = -10;
        double h = (x - a) / steps;
        double s = 0;
        for (int i = 0; i <= steps; i++) {
            double t = a + i * h;
            double f = Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
            s += f * (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return s * h / 3;
    }

    private double pathProbability() {
        return normalCdf((theta[1] + theta[3] - theta[0] - theta[2]) / (2 * SIGMA));
    }

    @Test
    void fenchelYoungGradientIsTheTrueMinusTheSmoothedDecision() {
        int samples = 40000;
        double p = pathProbability();
        double[] smoothed = {p, 1 - p, p, 1 - p};
        double[] w = truth.decisions().data();
        Tensor g = new PerturbedFenchelYoung(square, samples, SIGMA, 11).evaluate(Tensor.wrap(theta.clone(), 1, 4),
                truth).gradient();
        double se = Math.sqrt(p * (1 - p) / samples);
        for (int j = 0; j < 4; j++) {
            assertEquals(w[j] - smoothed[j], g.data()[j], 5 * se, "coordinate " + j);
        }
    }

    @Test
    void perturbedOptimizerGradientMatchesTheClosedFormJacobian() {
        int samples = 40000;
        double p = pathProbability();
        double t = (theta[1] + theta[3] - theta[0] - theta[2]) / (2 * SIGMA);
        double density = Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI) / (2 * SIGMA);
        double[] dp = {-density, density, -density, density};
        double[] sign = {1, -1, 1, -1};
        double[] w = truth.decisions().data();
        // L = ||w_sigma - w||^2 with w_sigma = p (e0 + e2) + (1 - p)(e1 + e3): dL/dtheta = 2 (w_sigma - w)^T sign dp.
        double inner = 0;
        for (int j = 0; j < 4; j++) {
            inner += 2 * ((sign[j] > 0 ? p : 1 - p) - w[j]) * sign[j];
        }
        PerturbedOptimizer dpo = new PerturbedOptimizer(square, samples, SIGMA, 12);
        DecisionLoss.Evaluation e = dpo.evaluate(Tensor.wrap(theta.clone(), 1, 4), truth);
        double expectedLoss = 0;
        for (int j = 0; j < 4; j++) {
            expectedLoss += Math.pow((sign[j] > 0 ? p : 1 - p) - w[j], 2);
        }
        assertEquals(expectedLoss, e.loss(), 0.02);
        // The score-function estimator has standard deviation about |inner| sqrt(2) / (2 sigma sqrt(M)) per entry.
        double tol = 5 * Math.abs(inner) * 2 / (2 * SIGMA * Math.sqrt(samples)) + 1e-3;
        for (int j = 0; j < 4; j++) {
            assertEquals(inner * dp[j], e.gradient().data()[j], tol, "coordinate " + j);
        }
        assertTrue(Math.abs(inner * dp[0]) > 5 * tol, "the test must be able to see the gradient");
    }

    @Test
    void fenchelYoungGradientIsTheDerivativeOfItsMonteCarloLoss() {
        ShortestPathOracle grid = ShortestPathOracle.grid(3, 3);
        DecisionBatch t = DecisionBatch.solve(grid, Tensor.randn(new SplittableRandom(1), 3, 12).map(v -> 1 + v / 2));
        Tensor at = Tensor.randn(new SplittableRandom(2), 3, 12);
        // A fresh loss with the same seed draws the same noise at every point: the sampled loss is piecewise linear.
        GradientCheck.Result r = GradientCheck.check(x -> new PerturbedFenchelYoung(grid, 8, 0.5, 3).apply(x[0], t),
                new Tensor[] {at}, 6, 1e-6, 4);
        assertTrue(r.passes(1e-6), "worst relative error " + r.worstRelativeError());
        double loss = new PerturbedFenchelYoung(grid, 8, 0.5, 3).evaluate(at, t).loss();
        assertTrue(loss >= 0, "a Fenchel-Young loss is non-negative, got " + loss);
    }

    @Test
    void samplingIsDeterministicWhateverTheThreads() {
        ShortestPathOracle grid = ShortestPathOracle.grid(5, 5);
        DecisionBatch t = DecisionBatch.solve(grid, Tensor.randn(new SplittableRandom(5), 64, 40).map(Math::abs));
        Tensor at = Tensor.randn(new SplittableRandom(6), 64, 40);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Tensor one = new PerturbedOptimizer(grid, 30, 1, 7).evaluate(at, t).gradient();
            Parallel.setThreads(3);
            Tensor three = new PerturbedOptimizer(grid, 30, 1, 7).evaluate(at, t).gradient();
            assertArrayEquals(one.data(), three.data());
        } finally {
            Parallel.setThreads(threads);
        }
        PerturbedFenchelYoung a = new PerturbedFenchelYoung(grid, 5, 1, 7);
        assertTrue(a.evaluate(at, t).loss() != a.evaluate(at, t).loss(), "each call draws new noise");
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PerturbedFenchelYoung(square, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PerturbedOptimizer(square, 1, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlackBox(square, 0));
    }
}
