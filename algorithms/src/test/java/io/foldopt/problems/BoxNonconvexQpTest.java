package io.foldopt.problems;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.OptimizationLayer;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The anchor problem {@code min 1/2 x^T Q x + c^T sin x} over {@code [-1, 1]^n}: folded gradients of
 * every backward method agree with the direct solve, with unrolling to convergence and with finite
 * differences, on instances that have both active and inactive bounds.
 */
class BoxNonconvexQpTest {
    private static final int N = 30;
    private static final int B = 4;

    private static double relErr(Tensor a, Tensor b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d += Math.pow(a.data()[i] - b.data()[i], 2);
        }
        return Math.sqrt(d) / b.norm();
    }

    private static Tensor[] solveAndGrad(OptimizationLayer layer, Tensor c, Tensor g) {
        Var cv = Var.param(c);
        Var x = layer.apply(cv);
        return new Tensor[] {x.value(), Autodiff.vjp(new Var[] {x}, new Var[] {cv}, new Tensor[] {g})[0]};
    }

    @Test
    void foldedEqualsDirectAndUnrolledWithActiveAndInactiveBounds() {
        BoxNonconvexQp problem = BoxNonconvexQp.random(N, 1);
        Tensor c = problem.randomParameters(B, 2).map(v -> 2 * v);
        Tensor g = Tensor.randn(new SplittableRandom(3), B, N);
        FoldOptions opts = FoldOptions.defaults().withTolerance(1e-12).withMaxIterations(20000);
        Tensor[] direct = solveAndGrad(new FoldedLayer(problem.solver(1e-14, 100000), problem.updateMap(),
                opts.withSolver(BatchedLinearSolver.DIRECT)), c, g);
        int active = 0;
        int inactive = 0;
        for (double v : direct[0].data()) {
            if (Math.abs(v) == 1.0) {
                active++;
            } else {
                inactive++;
            }
        }
        assertTrue(active >= 5 && inactive >= 5, "active " + active + ", inactive " + inactive);
        for (BatchedLinearSolver m : new BatchedLinearSolver[] {BatchedLinearSolver.LFPI, BatchedLinearSolver.GMRES,
                BatchedLinearSolver.BICGSTAB, BatchedLinearSolver.AUTO}) {
            FoldedLayer layer = new FoldedLayer(problem.solver(1e-14, 100000), problem.updateMap(), opts.withSolver(m));
            Tensor grad = solveAndGrad(layer, c, g)[1];
            assertTrue(relErr(grad, direct[1]) < 1e-9, m + ": " + relErr(grad, direct[1]));
            assertTrue(layer.lastReport().allOk(), m + " report");
        }
        Tensor[] unrolled = solveAndGrad(new UnrolledLayer(problem.updateMap(), p -> Tensor.zeros(B, N), 4000), c, g);
        assertTrue(relErr(unrolled[0], direct[0]) < 1e-10, "unrolled reaches the same solution");
        assertTrue(relErr(unrolled[1], direct[1]) < 1e-7, "unrolled 4000: " + relErr(unrolled[1], direct[1]));
        Tensor[] shortRun = solveAndGrad(new UnrolledLayer(problem.updateMap(), p -> Tensor.zeros(B, N), 20), c, g);
        assertTrue(relErr(shortRun[1], direct[1]) > 1e-3, "unrolled 20 is still inexact");
    }

    @Test
    void foldedGradientMatchesFiniteDifferences() {
        BoxNonconvexQp problem = BoxNonconvexQp.random(N, 4);
        FoldedLayer layer = new FoldedLayer(problem.solver(1e-14, 100000), problem.updateMap(),
                FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-12));
        Tensor c = problem.randomParameters(B, 5);
        GradientCheck.Result r = GradientCheck.check(p -> layer.apply(p[0]), new Tensor[] {c}, 4, 1e-6, 6);
        assertTrue(r.passes(1e-6), "worst relative error " + r.worstRelativeError());
    }
}
