package io.foldopt.ortools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.nn.dfl.KnapsackOracle;
import io.foldopt.nn.dfl.LinearProgram;
import io.foldopt.nn.dfl.OracleException;
import io.foldopt.nn.dfl.ShortestPathOracle;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OrToolsOracleTest {

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void mipMatchesTheKnapsackBranchAndBound() {
        SplittableRandom rng = new SplittableRandom(1);
        double[] w = new double[2 * 16];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextInt(300, 800) / 100.0;
        }
        Tensor weights = Tensor.wrap(w, 2, 16);
        KnapsackOracle exact = new KnapsackOracle(weights, new double[] {15, 15});
        double[] zero = new double[16];
        double[] one = new double[16];
        boolean[] integer = new boolean[16];
        Arrays.fill(one, 1);
        Arrays.fill(integer, true);
        OrToolsOracle mip = new OrToolsOracle(new LinearProgram(Tensor.zeros(0, 16), new double[0], weights,
                new double[] {15, 15}, zero, one, integer));
        assertEquals("SCIP", mip.backend());
        Tensor costs = Tensor.randn(rng, 12, 16).map(v -> -Math.abs(v));
        Tensor a = mip.solveBatch(costs);
        Tensor b = exact.solveBatch(costs);
        for (int i = 0; i < 12; i++) {
            assertEquals(dot(costs.row(i), b.row(i)), dot(costs.row(i), a.row(i)), 1e-9, "instance " + i);
        }
    }

    @Test
    void lpOverTheFlowPolytopeMatchesTheShortestPath() {
        ShortestPathOracle grid = ShortestPathOracle.grid(4, 4);
        var p = grid.relaxation();
        int n = grid.dimension();
        double[] inf = new double[n];
        Arrays.fill(inf, Double.POSITIVE_INFINITY);
        OrToolsOracle lp = new OrToolsOracle(new LinearProgram(p.a(), p.b().toArray(), Tensor.zeros(0, n),
                new double[0], new double[n], inf, new boolean[n]));
        assertEquals("GLOP", lp.backend());
        Tensor costs = Tensor.randn(new SplittableRandom(2), 10, n).map(v -> 1 + 0.5 * v);
        Tensor a = lp.solveBatch(costs);
        Tensor b = grid.solveBatch(costs);
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(b.row(i), a.row(i), 1e-7, "instance " + i);
        }
    }

    @Test
    void infeasibleAndUnboundedProgramsAreReported() {
        // w0 + w1 = 3 with 0 <= w <= 1: infeasible.
        LinearProgram infeasible = new LinearProgram(Tensor.wrap(new double[] {1, 1}, 1, 2), new double[] {3},
                Tensor.zeros(0, 2), new double[0], new double[2], new double[] {1, 1}, new boolean[2]);
        OracleException e = assertThrows(OracleException.class,
                () -> new OrToolsOracle(infeasible).solveBatch(Tensor.wrap(new double[] {1, 1}, 1, 2)));
        assertEquals(Status.INFEASIBLE, e.status());
        assertEquals(0, e.instance());
        LinearProgram free = new LinearProgram(Tensor.zeros(0, 1), new double[0], Tensor.zeros(0, 1), new double[0],
                new double[] {Double.NEGATIVE_INFINITY}, new double[] {Double.POSITIVE_INFINITY}, new boolean[1]);
        OracleException u = assertThrows(OracleException.class, () -> new OrToolsOracle(free).solve(new double[] {1}));
        assertEquals(Status.UNBOUNDED, u.status(), u.getMessage());
        // GLOP's presolve calls this one infeasible; the feasibility probe tells it apart.
        LinearProgram open = new LinearProgram(Tensor.zeros(0, 4), new double[0], Tensor.zeros(0, 4), new double[0],
                new double[] {Double.NEGATIVE_INFINITY, 0, 0, 0}, new double[] {Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, new boolean[4]);
        assertEquals(Status.UNBOUNDED, assertThrows(OracleException.class,
                () -> new OrToolsOracle(open).solve(new double[] {1, 1, 1, 1})).status());
    }
}
