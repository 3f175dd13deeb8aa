package io.foldopt.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.OracleException;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.QpProblem;
import io.foldopt.qp.QpSolution;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oracles of decision problems against brute force and foldopt's QP solver, and JSON against MPS. */
class OracleTest {
    @TempDir
    Path dir;

    private DecisionProblem json(String text) throws IOException {
        Path p = dir.resolve("p" + text.hashCode() + ".json");
        Files.writeString(p, text);
        return ProblemJson.read(p);
    }

    /** A knapsack-like MIP with general integers in a box: maximize c'w s.t. 3 rows, 0 <= w <= 3, w integer. */
    private static final String MIP = "{\"variables\": 4, \"sense\": \"maximize\", \"integer\": \"all\","
            + " \"A_ub\": [[2, 3, 1, 4], [1, -1, 2, 0], [0, 2, 3, 1]], \"b_ub\": [9, 3, 8], \"upper\": 3}";

    @Test
    void mipMatchesBruteForce() throws IOException {
        DecisionProblem p = json(MIP);
        Oracle oracle = Problems.oracle(p);
        double[][] a = {{2, 3, 1, 4}, {1, -1, 2, 0}, {0, 2, 3, 1}};
        double[] b = {9, 3, 8};
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 10; trial++) {
            double[] c = new double[4];
            for (int j = 0; j < 4; j++) {
                c[j] = rng.nextDouble(-1, 3);
            }
            double best = Double.POSITIVE_INFINITY;
            for (int code = 0; code < 256; code++) {
                double[] w = {code & 3, (code >> 2) & 3, (code >> 4) & 3, (code >> 6) & 3};
                boolean feasible = true;
                for (int i = 0; i < 3; i++) {
                    double s = 0;
                    for (int j = 0; j < 4; j++) {
                        s += a[i][j] * w[j];
                    }
                    feasible &= s <= b[i];
                }
                if (feasible) {
                    best = Math.min(best, -dot(c, w));
                }
            }
            double[] minCosts = {-c[0], -c[1], -c[2], -c[3]};
            double[] w = oracle.solve(minCosts);
            assertEquals(best, dot(minCosts, w), 1e-9, "trial " + trial);
        }
    }

    @Test
    void lpMatchesTheInteriorPointSolver() throws IOException {
        DecisionProblem p = json("{\"variables\": 3, \"A_ub\": [[1, 1, 1], [-1, 2, 0]], \"b_ub\": [4, 2],"
                + " \"A_eq\": [[1, 0, -1]], \"b_eq\": [0.5], \"lower\": [0, -1, 0], \"upper\": [3, 3, null]}");
        Oracle oracle = Problems.oracle(p);
        SplittableRandom rng = new SplittableRandom(8);
        for (int trial = 0; trial < 10; trial++) {
            double[] c = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double[] w = oracle.solve(c);
            var poly = p.relaxation();
            QpSolution s = new InteriorPointQpSolver().solve(QpProblem.of(Tensor.zeros(3, 3), Tensor.wrap(c.clone(), 3),
                    poly.a(), poly.b(), poly.g(), poly.h()));
            assertEquals(Status.OPTIMAL, s.status());
            assertEquals(dot(c, s.z()), dot(c, w), 1e-6, "trial " + trial);
        }
    }

    @Test
    void mpsAndJsonGiveTheSameDecisions() throws IOException {
        DecisionProblem fromJson = json(ProblemFilesTest.JSON);
        Path free = dir.resolve("p.mps");
        Files.writeString(free, ProblemFilesTest.FREE_MPS);
        Path fixed = dir.resolve("f.mps");
        Files.writeString(fixed, ProblemFilesTest.FIXED_MPS);
        Oracle a = Problems.oracle(fromJson);
        Oracle b = Problems.oracle(Mps.read(free));
        Oracle c = Problems.oracle(Mps.read(fixed));
        SplittableRandom rng = new SplittableRandom(9);
        int distinct = 0;
        double[] previous = null;
        for (int trial = 0; trial < 10; trial++) {
            double[] cost = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double[] w = a.solve(cost);
            assertArrayEquals(w, b.solve(cost), 1e-9, "free MPS, trial " + trial);
            assertArrayEquals(w, c.solve(cost), 1e-9, "fixed MPS, trial " + trial);
            assertEquals(w[0], Math.rint(w[0]), "x is integer");
            distinct += previous == null || !java.util.Arrays.equals(previous, w) ? 1 : 0;
            previous = w;
        }
        assertTrue(distinct > 3, "random costs reach several vertices, got " + distinct);
    }

    @Test
    void jointlyInfeasibleAndUnboundedProblemsAreReported() throws IOException {
        DecisionProblem infeasible = json("{\"variables\": 2, \"A_ub\": [[1, 1], [-1, -1]], \"b_ub\": [1, -2]}");
        OracleException e = assertThrows(OracleException.class, () -> Problems.oracle(infeasible)
                .solve(new double[] {1, 1}));
        assertEquals(Status.INFEASIBLE, e.status());
        DecisionProblem open = json("{\"variables\": 2, \"lower\": [null, null]}");
        assertEquals(Status.UNBOUNDED, assertThrows(OracleException.class, () -> Problems.oracle(open)
                .solve(new double[] {1, 1})).status());
    }

    /** The examples' shortest path (LP, JSON and MPS) and the MIP above: OR-Tools and ojAlgo decide alike. */
    @Test
    void orToolsAndOjAlgoGiveTheSameDecisions() throws IOException {
        Path examples = Path.of("..", "examples", "train");
        DecisionProblem mip = json(MIP);
        for (DecisionProblem p : new DecisionProblem[] {Problems.read(examples.resolve("shortest-path.json")),
                Problems.read(examples.resolve("shortest-path.mps")), mip}) {
            Problems.Solver ortools = Problems.solver(p, "auto");
            assertEquals(p.hasIntegers() ? "OR-Tools SCIP" : "OR-Tools GLOP", ortools.description(),
                    "auto picks OR-Tools when it loads");
            Problems.Solver ojalgo = Problems.solver(p, "ojalgo");
            assertTrue(ojalgo.description().startsWith("ojAlgo"), ojalgo.description());
            int n = p.variableCount();
            Tensor costs = Tensor.randn(new SplittableRandom(n), 8, n).map(v -> (p.hasIntegers() ? -1 : 1)
                    * (1 + 0.5 * v));
            Tensor a = ortools.oracle().solveBatch(costs);
            Tensor b = ojalgo.oracle().solveBatch(costs);
            assertArrayEquals(b.data(), a.data(), 1e-7, p.source());
        }
        DecisionProblem qp = json("{\"variables\": 2, \"A_eq\": [[1, 1]], \"b_eq\": [1], \"Q\": [[1, 0], [0, 1]]}");
        assertEquals("foldopt interior-point QP", Problems.solver(qp, "auto").description());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Problems.solver(qp, "ortools"));
        assertTrue(e.getMessage().startsWith("--solver ortools solves LPs and MIPs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Problems.solver(mip, "gurobi"));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
