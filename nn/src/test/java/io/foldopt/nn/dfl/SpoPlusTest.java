package io.foldopt.nn.dfl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpoPlusTest {
    private final ShortestPathOracle grid = ShortestPathOracle.grid(3, 3);
    private final BruteForce all = BruteForce.paths(grid);
    private final SpoPlus spo = new SpoPlus(grid);

    private DecisionBatch truth(int batch, long seed) {
        return DecisionBatch.solve(grid, Tensor.randn(new SplittableRandom(seed), batch, grid.dimension())
                .map(v -> 1 + 0.5 * v));
    }

    /** The definition, by enumeration: mean of max_w (c - 2 c_hat)^T w + 2 c_hat^T w*(c) - z*(c). */
    private double definition(Tensor predicted, DecisionBatch truth) {
        double sum = 0;
        for (int b = 0; b < truth.size(); b++) {
            double[] p = predicted.row(b);
            double[] c = truth.costs().row(b);
            double[] shifted = new double[c.length];
            for (int j = 0; j < c.length; j++) {
                shifted[j] = 2 * p[j] - c[j];
            }
            sum += -all.value(shifted) + 2 * BruteForce.dot(p, truth.decisions().row(b)) - all.value(c);
        }
        return sum / truth.size();
    }

    @Test
    void valueIsTheDefinitionAndNonNegative() {
        DecisionBatch t = truth(16, 1);
        Tensor predicted = Tensor.randn(new SplittableRandom(2), 16, grid.dimension());
        double loss = spo.evaluate(predicted, t).loss();
        assertEquals(definition(predicted, t), loss, 1e-12);
        assertTrue(loss > 0);
        // At the true costs: -z*(c) + 2 z*(c) - z*(c) = 0.
        assertEquals(0, spo.evaluate(t.costs(), t).loss(), 1e-12);
    }

    @Test
    void gradientIsASubgradient() {
        DecisionBatch t = truth(8, 3);
        SplittableRandom rng = new SplittableRandom(4);
        Tensor p = Tensor.randn(rng, 8, grid.dimension());
        DecisionLoss.Evaluation e = spo.evaluate(p, t);
        for (int k = 0; k < 100; k++) {
            Tensor q = Tensor.randn(rng, 8, grid.dimension());
            double predictedLower = e.loss();
            for (int i = 0; i < q.size(); i++) {
                predictedLower += e.gradient().data()[i] * (q.data()[i] - p.data()[i]);
            }
            assertTrue(definition(q, t) >= predictedLower - 1e-12, "subgradient inequality violated");
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesAwayFromKinks() {
        DecisionBatch t = truth(4, 5);
        Tensor p = Tensor.randn(new SplittableRandom(6), 4, grid.dimension());
        GradientCheck.Result r = GradientCheck.check(x -> spo.apply(x[0], t), new Tensor[] {p}, 6, 1e-6, 7);
        assertTrue(r.passes(1e-6), "worst relative error " + r.worstRelativeError());
    }

    @Test
    void mismatchedShapesAreRejected() {
        DecisionBatch t = truth(2, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spo.apply(Var.param(Tensor.zeros(3, grid.dimension())), t));
        assertTrue(e.getMessage().startsWith("spo+"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> spo.evaluate(Tensor.full(Double.NaN, 2, grid.dimension()), t));
    }
}
