package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.RandomMatrices;
import io.foldopt.linalg.Cholesky;
import io.foldopt.linalg.Vec;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The primal active-set QP of the SQP subproblems against the interior-point solver, cold and warm started. */
class ActiveSetQpTest {
    private static final int R = 8;
    private static final int M = 14;

    @Test
    void matchesTheInteriorPointSolutionAndMultipliers() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int trial = 0; trial < 20; trial++) {
            Tensor h = RandomMatrices.spd(R, 0.1, 100 + trial);
            Tensor g = Tensor.randn(new SplittableRandom(200 + trial), R).map(v -> 3 * v);
            Tensor c = Tensor.randn(new SplittableRandom(300 + trial), M, R);
            double[] s = new double[M];
            for (int i = 0; i < M; i++) {
                s[i] = rng.nextDouble() < 0.3 ? 0.0 : rng.nextDouble();
            }
            QpSolution ip = new InteriorPointQpSolver().solve(QpProblem.of(h, g, null, null, c, Tensor.wrap(s, M)));
            assertTrue(ip.optimal());
            Cholesky hFactor = Cholesky.factor(h.data(), R);
            ActiveSetQp.Solution cold = ActiveSetQp.solve(hFactor, g.data(), c.data(), s, new int[0], 1000);
            assertNotNull(cold, "trial " + trial);
            assertTrue(relErr(cold.d(), ip.z()) < 1e-7, "trial " + trial + ": d");
            assertTrue(relErr(cold.lambda(), ip.lambda()) < 1e-6,
                    "trial " + trial + ": lambda");
            // Warm start from every constraint: those with positive slack are ignored, the rest may leave.
            int[] all = new int[M];
            for (int i = 0; i < M; i++) {
                all[i] = i;
            }
            ActiveSetQp.Solution warm = ActiveSetQp.solve(hFactor, g.data(), c.data(), s, all, 1000);
            assertNotNull(warm, "trial " + trial);
            assertTrue(relErr(warm.d(), cold.d()) < 1e-10, "trial " + trial);
        }
    }

    @Test
    void aWorkingConstraintViolatedByRoundingIsBroughtBackToItsBound() {
        // Constraint 0 is pushed against (g = -10 c_0) and starts violated by 1e-9 (s_0 < 0), as a caller's slack
        // after an inexact step; kept in the working set, it must end at its bound, not keep the violation.
        Tensor h = RandomMatrices.spd(R, 0.1, 7);
        double[] c = Tensor.randn(new SplittableRandom(8), M, R).data();
        double[] g = new double[R];
        Vec.axpy(-10.0, c, 0, g, 0, R);
        double[] s = new double[M];
        java.util.Arrays.fill(s, 1.0);
        s[0] = -1e-9;
        Cholesky hFactor = Cholesky.factor(h.data(), R);
        ActiveSetQp.Solution sol = ActiveSetQp.solve(hFactor, g, c, s, new int[] {0}, 1000);
        assertNotNull(sol);
        assertTrue(sol.lambda()[0] > 0, "constraint 0 should stay active");
        for (int i = 0; i < M; i++) {
            double violation = Vec.dot(c, i * R, sol.d(), 0, R) - s[i];
            assertTrue(violation <= 1e-12, "constraint " + i + " violated by " + violation);
        }
        double gap = Vec.dot(c, 0, sol.d(), 0, R) - s[0];
        assertTrue(Math.abs(gap) <= 1e-12, "constraint 0 at its bound: " + gap);
    }

    /** @return {@code ||a - b|| / ||b||} */
    private static double relErr(double[] a, double[] b) {
        double[] d = a.clone();
        Vec.axpy(-1.0, b, 0, d, 0, d.length);
        return Vec.norm(d, 0, d.length) / Vec.norm(b, 0, b.length);
    }
}
