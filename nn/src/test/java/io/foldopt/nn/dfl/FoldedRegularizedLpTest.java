package io.foldopt.nn.dfl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.fold.FoldOptions;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpSolver;
import io.foldopt.qp.RepeatedQpSolver;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FoldedRegularizedLpTest {
    private final ShortestPathOracle grid = ShortestPathOracle.grid(3, 3);
    private final DecisionBatch truth = DecisionBatch.solve(grid,
            Tensor.randn(new SplittableRandom(1), 4, 12).map(v -> 1 + v / 2));

    @Test
    void smallRegularizationGivesTheOraclesPath() {
        FoldedRegularizedLp folded = new FoldedRegularizedLp(grid.relaxation(), 1e-3);
        Tensor c = Tensor.randn(new SplittableRandom(2), 8, 12);
        Tensor w = GradMode.noGrad(() -> folded.decide(Var.constant(c))).value();
        Tensor exact = grid.solveBatch(c);
        for (int i = 0; i < w.size(); i++) {
            assertEquals(exact.data()[i], w.data()[i], 1e-5);
        }
    }

    @Test
    void foldedGradientMatchesDirectAndFiniteDifferences() {
        Tensor p = Tensor.randn(new SplittableRandom(3), 4, 12).map(v -> 0.3 * v);
        double mu = 1;
        FoldOptions options = FoldOptions.defaults().withTolerance(1e-12);
        DecisionLoss.Evaluation lfpi = new FoldedRegularizedLp(grid.relaxation(), mu, 0.5 / mu,
                options.withSolver(BatchedLinearSolver.LFPI), QpOptions.defaults()).evaluate(p, truth);
        DecisionLoss.Evaluation direct = new FoldedRegularizedLp(grid.relaxation(), mu, 0.5 / mu,
                options.withSolver(BatchedLinearSolver.DIRECT), QpOptions.defaults()).evaluate(p, truth);
        DecisionLoss.Evaluation oneStep = new FoldedRegularizedLp(grid.relaxation(), mu).evaluate(p, truth);
        assertEquals(direct.loss(), lfpi.loss(), 1e-9);
        assertTrue(direct.gradient().maxAbs() > 1e-3, "the gradient must not vanish here");
        for (int i = 0; i < p.size(); i++) {
            assertEquals(direct.gradient().data()[i], lfpi.gradient().data()[i], 1e-8);
            assertEquals(direct.gradient().data()[i], oneStep.gradient().data()[i], 1e-8);
        }
        FoldedRegularizedLp folded = new FoldedRegularizedLp(grid.relaxation(), mu);
        GradientCheck.Result r = GradientCheck.check(x -> folded.apply(x[0], truth), new Tensor[] {p}, 5, 1e-6, 4);
        assertTrue(r.passes(1e-5), "worst relative error " + r.worstRelativeError());
    }

    @Test
    void reusedProjectionsGiveTheLossAndGradientOfTwoSolves() {
        ShortestPathOracle five = ShortestPathOracle.grid(5, 5);
        SplittableRandom rng = new SplittableRandom(5);
        DecisionBatch t = DecisionBatch.solve(five, Tensor.randn(rng, 8, 40).map(v -> 1 + v / 2));
        // One QP per instance (the update's projection reuses the forward's) against two.
        int[] solves = new int[2];
        FoldedRegularizedLp warm = new FoldedRegularizedLp(five.relaxation(), 0.5, 2, FoldOptions.defaults(),
                QpOptions.defaults().withSolver(new RepeatedQpSolver(counting(solves, 0))));
        FoldedRegularizedLp cold = new FoldedRegularizedLp(five.relaxation(), 0.5, 2, FoldOptions.defaults(),
                QpOptions.defaults().withSolver(counting(solves, 1)));
        for (int step = 0; step < 2; step++) {
            Tensor p = DecisionLoss.combine(1, t.costs(), 0.3, Tensor.randn(rng, 8, 40));
            DecisionLoss.Evaluation a = warm.evaluate(p, t);
            DecisionLoss.Evaluation b = cold.evaluate(p, t);
            assertEquals(b.loss(), a.loss(), 0, "step " + step);
            assertArrayEquals(b.gradient().data(), a.gradient().data(), 0, "step " + step);
        }
        assertEquals(2 * 8, solves[0]);
        assertEquals(2 * 2 * 8, solves[1]);
    }

    /** @return the interior-point solver, counting its solves in {@code count[k]} */
    private static QpSolver counting(int[] count, int k) {
        InteriorPointQpSolver ipm = new InteriorPointQpSolver();
        return problem -> {
            synchronized (count) {
                count[k]++;
            }
            return ipm.solve(problem);
        };
    }

    @Test
    void regularizedDecisionIsAFlow() {
        FoldedRegularizedLp folded = new FoldedRegularizedLp(grid.relaxation(), 2);
        Tensor w = GradMode.noGrad(() -> folded.decide(Var.constant(truth.costs()))).value();
        double[] out = new double[4];
        for (int b = 0; b < 4; b++) {
            // Out-flow of the source: arcs 0 (0 -> 1) and 2 (0 -> 3) on the 3x3 grid.
            out[b] = w.get(b, 0) + w.get(b, 2);
        }
        assertArrayEquals(new double[] {1, 1, 1, 1}, out, 1e-7);
        assertTrue(w.data()[0] > 1e-3 && w.data()[0] < 1 - 1e-3 || w.data()[2] > 1e-3 && w.data()[2] < 1 - 1e-3,
                "mu = 2 smooths the decision away from a vertex");
    }
}
