package io.foldopt.nn.dfl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShortestPathOracleTest {

    @Test
    void gridHasPyEposArcs() {
        ShortestPathOracle g = ShortestPathOracle.grid(5, 5);
        assertEquals(40, g.dimension());
        // Row 0: east arcs 0->1 .. 3->4, then south arcs 0->5 .. 4->9.
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3, 4}, java.util.Arrays.copyOf(g.tails(), 9));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, java.util.Arrays.copyOf(g.heads(), 9));
    }

    @Test
    void matchesBruteForceOnSmallGridsWithNegativeCosts() {
        ShortestPathOracle g = ShortestPathOracle.grid(3, 4);
        BruteForce all = BruteForce.paths(g);
        assertEquals(10, all.count()); // C(5, 2) monotone paths
        SplittableRandom rng = new SplittableRandom(3);
        for (int t = 0; t < 200; t++) {
            double[] c = new double[g.dimension()];
            for (int j = 0; j < c.length; j++) {
                c[j] = rng.nextDouble(-1, 2);
            }
            double[] w = g.solve(c);
            assertEquals(all.value(c), BruteForce.dot(c, w), 1e-12);
            assertArrayEquals(all.solve(c), w);
        }
    }

    @Test
    void batchIsParallelAndCachedOracleCountsHits() {
        ShortestPathOracle g = ShortestPathOracle.grid(5, 5);
        Tensor costs = Tensor.randn(new SplittableRandom(1), 300, 40);
        Tensor w = g.solveBatch(costs);
        for (int b = 0; b < 300; b++) {
            assertArrayEquals(g.solve(costs.row(b)), w.row(b));
        }
        CachedOracle cached = g.cached(1000);
        assertArrayEquals(w.data(), cached.solveBatch(costs).data());
        assertArrayEquals(w.data(), cached.solveBatch(costs).data());
        assertEquals(300, cached.misses());
        assertEquals(300, cached.hits());
        CachedOracle small = g.cached(10);
        small.solveBatch(costs);
        small.solveBatch(costs);
        assertTrue(small.misses() >= 590, "an LRU cache of 10 cannot hold 300 cost vectors");
    }

    @Test
    void badInputIsReported() {
        ShortestPathOracle g = ShortestPathOracle.grid(2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.solveBatch(Tensor.wrap(new double[] {1, 2, 3, 4, 1, Double.NaN, 1, 1}, 2, 4)));
        assertTrue(e.getMessage().contains("instance 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.solve(new double[3]));
        assertThrows(IllegalArgumentException.class,
                () -> new ShortestPathOracle(3, new int[] {1}, new int[] {0}, 0, 2));
        ShortestPathOracle cut = new ShortestPathOracle(3, new int[] {0}, new int[] {1}, 0, 2);
        OracleException x = assertThrows(OracleException.class,
                () -> cut.solveBatch(Tensor.wrap(new double[] {1, 1}, 2, 1)));
        assertEquals(Status.INFEASIBLE, x.status());
        assertEquals(0, x.instance());
    }
}
