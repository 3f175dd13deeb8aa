package io.foldopt.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java example of the README, verbatim between the markers, checked to run and be exact. */
class ReadmeExampleTest {
    @Test
    void readmeExampleFoldsASolverAndTakesAnExactGradient() {
        int n = 20;
        int batch = 8;
        SplittableRandom rng = new SplittableRandom(7);
        Tensor m = Tensor.randn(rng, n, n);
        Tensor qValues = Tensor.wrap(io.foldopt.tensor.Kernels.gemm(m.transpose().data(), 0, m.data(), 0, 1, n, n, n),
                n, n).map(v -> v / n);
        Tensor cValues = Tensor.randn(rng, batch, n);
        Tensor target = Tensor.randn(rng, batch, n);
        // README example begins
        // min 1/2 x^T Q x + c^T x over the box [-1, 1]^n, for a batch of c (B x n).
        Var q = Var.constant(qValues);
        double alpha = 0.05;
        UpdateMap pgdStep = (x, p) -> x.sub(x.matmul(q).add(p[0]).mul(alpha)).clamp(-1, 1);
        ForwardSolver solver = params -> {              // any solver at all; here: iterate the step
            Var x = Var.constant(Tensor.zeros(params[0].shape()));
            Var[] c = {Var.constant(params[0])};
            for (int k = 0; k < 20_000; k++) {
                x = pgdStep.apply(x, c);
            }
            return x.value();
        };
        FoldedLayer layer = new FoldedLayer(solver, pgdStep,
                FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-10));
        Var c = Var.param(cValues);                     // e.g. a neural network's output
        Var x = layer.apply(c);                         // x*(c), a node of the caller's graph
        Var loss = x.sub(Var.constant(target)).pow(2).sum();
        Tensor dLossDc = Autodiff.grad(loss, c)[0];        // exact to the backward tolerance
        BackwardReport report = layer.lastReport();     // per instance: iterations, residual, status
        // README example ends
        assertTrue(report.allOk());
        assertTrue(dLossDc.isFinite());
        GradientCheck.Result check = GradientCheck.check(
                p -> GradMode.withGrad(() -> layer.apply(p[0]).sub(Var.constant(target)).pow(2).sum()),
                new Tensor[] {cValues}, 3, 1e-6, 8);
        assertTrue(check.passes(1e-6), "worst relative error " + check.worstRelativeError());
    }
}
