package io.foldopt.nn.dfl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.GradientCheck;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The contrastive losses against their definitions on a 3x3 grid, with the pool rebuilt independently. */
class NoiseContrastiveTest {
    private final ShortestPathOracle grid = ShortestPathOracle.grid(3, 3);
    private final int n = grid.dimension();

    private DecisionBatch truth(int batch, long seed) {
        return DecisionBatch.solve(grid, Tensor.randn(new SplittableRandom(seed), batch, n).map(v -> 1 + 0.5 * v));
    }

    /** @return the distinct rows of the tensors, in order of first appearance */
    private static List<double[]> distinct(Tensor... ts) {
        Set<List<Double>> set = new LinkedHashSet<>();
        for (Tensor t : ts) {
            for (int b = 0; b < t.dim(0); b++) {
                set.add(Arrays.stream(t.row(b)).boxed().toList());
            }
        }
        List<double[]> out = new ArrayList<>();
        for (List<Double> s : set) {
            out.add(s.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }

    @Test
    void nceIsTheMeanContrastOverThePoolGrownByThePredictedDecisions() {
        DecisionBatch t = truth(12, 1);
        Tensor predicted = Tensor.randn(new SplittableRandom(2), 12, n);
        NoiseContrastive nce = NoiseContrastive.nce(grid, new SolutionPool(t.decisions()), 1, 3);
        DecisionLoss.Evaluation e = nce.evaluate(predicted, t);
        List<double[]> pool = distinct(t.decisions(), grid.solveBatch(predicted));
        assertTrue(pool.size() > distinct(t.decisions()).size(), "the predicted decisions must add to the pool");
        assertEquals(pool.size(), nce.pool().size());
        double loss = 0;
        for (int b = 0; b < 12; b++) {
            double[] w = t.decisions().row(b);
            double[] c = predicted.row(b);
            double[] g = new double[n];
            for (double[] s : pool) {
                for (int j = 0; j < n; j++) {
                    loss += c[j] * (w[j] - s[j]) / (pool.size() * 12);
                    g[j] += (w[j] - s[j]) / (pool.size() * 12);
                }
            }
            for (int j = 0; j < n; j++) {
                assertEquals(g[j], e.gradient().get(b, j), 1e-12, "instance " + b + " entry " + j);
            }
        }
        assertEquals(loss, e.loss(), 1e-12);
    }

    @Test
    void mapIsTheLargestContrastAndItsSubgradient() {
        DecisionBatch t = truth(10, 4);
        Tensor predicted = Tensor.randn(new SplittableRandom(5), 10, n);
        NoiseContrastive map = NoiseContrastive.map(grid, new SolutionPool(t.decisions()), 1, 6);
        DecisionLoss.Evaluation e = map.evaluate(predicted, t);
        List<double[]> pool = distinct(t.decisions(), grid.solveBatch(predicted));
        for (int b = 0; b < 10; b++) {
            double[] w = t.decisions().row(b);
            double[] c = predicted.row(b);
            double best = Double.NEGATIVE_INFINITY;
            double[] arg = null;
            for (double[] s : pool) {
                double v = BruteForce.dot(c, w) - BruteForce.dot(c, s);
                if (v > best) {
                    best = v;
                    arg = s;
                }
            }
            assertTrue(best >= 0, "the true decision is in the pool, so the loss is non-negative");
            for (int j = 0; j < n; j++) {
                assertEquals((w[j] - arg[j]) / 10, e.gradient().get(b, j), 1e-12);
            }
        }
        // With the pool frozen the losses are piecewise linear in c_hat: finite differences see the gradient.
        SolutionPool frozen = new SolutionPool(map.pool().solutions());
        for (NoiseContrastive loss : List.of(NoiseContrastive.nce(grid, frozen, 0, 0),
                NoiseContrastive.map(grid, frozen, 0, 0))) {
            GradientCheck.Result r = GradientCheck.check(x -> loss.apply(x[0], t), new Tensor[] {predicted}, 6, 1e-6,
                    7);
            assertTrue(r.passes(1e-6), loss.name() + ": worst relative error " + r.worstRelativeError());
        }
        assertEquals(map.pool().size(), frozen.size(), "a solve ratio of 0 never solves");
    }

    /** An oracle on the grid that counts its solves. */
    private final class Counting implements Oracle {
        final AtomicInteger solves = new AtomicInteger();

        @Override
        public int dimension() {
            return n;
        }

        @Override
        public double[] solve(double[] cost) {
            solves.incrementAndGet();
            return grid.solve(cost);
        }
    }

    /**
     * @return the pool's size after each of 30 evaluations at random predicted costs of batches of 4, then the number
     *     of oracle solves
     */
    private int[] growth(double ratio, long seed, SolutionPool[] out) {
        DecisionBatch t = truth(4, 7);
        SolutionPool pool = new SolutionPool(t.decisions());
        Counting oracle = new Counting();
        NoiseContrastive nce = NoiseContrastive.nce(oracle, pool, ratio, seed);
        SplittableRandom rng = new SplittableRandom(8);
        int[] sizes = new int[31];
        for (int k = 0; k < 30; k++) {
            nce.evaluate(Tensor.randn(rng, 4, n), t);
            sizes[k] = pool.size();
        }
        sizes[30] = oracle.solves.get();
        out[0] = pool;
        return sizes;
    }

    @Test
    void thePoolGrowsDeterministicallyWithTheSeed() {
        int threads = Parallel.threads();
        SolutionPool[] a = new SolutionPool[1];
        SolutionPool[] b = new SolutionPool[1];
        int[] one;
        int[] three;
        try {
            Parallel.setThreads(1);
            one = growth(0.5, 11, a);
            Parallel.setThreads(3);
            three = growth(0.5, 11, b);
        } finally {
            Parallel.setThreads(threads);
        }
        assertArrayEquals(one, three);
        assertArrayEquals(a[0].solutions().data(), b[0].solutions().data());
        int[] other = growth(0.5, 12, a);
        assertNotEquals(one[30], other[30], "another seed, another number of solves");
        int[] always = growth(1, 11, a);
        assertEquals(30 * 4, always[30], "a solve ratio of 1 solves every batch");
        assertEquals(0, growth(0, 11, a)[30], "a solve ratio of 0 never solves");
        assertTrue(one[30] % 4 == 0 && one[30] > 4 * 8 && one[30] < 4 * 22, "about half the batches: " + one[30]);
        for (int k = 1; k < 30; k++) {
            assertTrue(one[k] >= one[k - 1] && always[k] >= one[k], "the pool only grows");
        }
    }

    @Test
    void badInputsAreRejected() {
        DecisionBatch t = truth(2, 9);
        SolutionPool pool = new SolutionPool(t.decisions());
        assertThrows(IllegalArgumentException.class, () -> NoiseContrastive.nce(grid, pool, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> NoiseContrastive.map(grid, pool, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class,
                () -> NoiseContrastive.nce(ShortestPathOracle.grid(2, 2), pool, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SolutionPool(Tensor.zeros(0, 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.addAll(Tensor.full(Double.NaN, 1, n)));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        assertEquals(1, pool.addAll(Tensor.wrap(new double[n], 1, n)) + pool.addAll(Tensor.full(-0.0, 1, n)),
                "-0 and 0 are one solution");
        assertThrows(IllegalArgumentException.class,
                () -> NoiseContrastive.nce(grid, pool, 1, 0).evaluate(Tensor.zeros(3, n), t));
    }
}
