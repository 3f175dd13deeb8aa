package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static io.foldopt.algorithms.FoldingAssertions.spd;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.QpProblem;
import io.foldopt.qp.QpSolution;
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
            Tensor h = spd(R, 0.1, 100 + trial);
            Tensor g = randn(200 + trial, R).map(v -> 3 * v);
            Tensor c = randn(300 + trial, M, R);
            double[] s = new double[M];
            for (int i = 0; i < M; i++) {
                s[i] = rng.nextDouble() < 0.3 ? 0.0 : rng.nextDouble();
            }
            QpSolution ip = new InteriorPointQpSolver().solve(QpProblem.of(h, g, null, null, c, Tensor.wrap(s, M)));
            assertTrue(ip.optimal());
            ActiveSetQp.Solution cold = ActiveSetQp.solve(h.data(), g.data(), c.data(), s, new int[0], 1000);
            assertNotNull(cold, "trial " + trial);
            assertTrue(relErr(Tensor.wrap(cold.d(), R), Tensor.wrap(ip.z(), R)) < 1e-7, "trial " + trial + ": d");
            assertTrue(relErr(Tensor.wrap(cold.lambda(), M), Tensor.wrap(ip.lambda(), M)) < 1e-6,
                    "trial " + trial + ": lambda");
            // Warm start from every constraint: those with positive slack are ignored, the rest may leave.
            int[] all = new int[M];
            for (int i = 0; i < M; i++) {
                all[i] = i;
            }
            ActiveSetQp.Solution warm = ActiveSetQp.solve(h.data(), g.data(), c.data(), s, all, 1000);
            assertNotNull(warm, "trial " + trial);
            assertTrue(relErr(Tensor.wrap(warm.d(), R), Tensor.wrap(cold.d(), R)) < 1e-10, "trial " + trial);
        }
    }
}
