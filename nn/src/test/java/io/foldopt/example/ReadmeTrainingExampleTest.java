package io.foldopt.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Adam;
import io.foldopt.nn.Linear;
import io.foldopt.nn.Parameter;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The README's training example, verbatim between the markers: training through a folded layer lowers the loss. */
class ReadmeTrainingExampleTest {
    @Test
    void trainingThroughAFoldedLayerLowersTheLoss() {
        int n = 10;
        int batch = 32;
        int features = 5;
        SplittableRandom rng = new SplittableRandom(1);
        Tensor m = Tensor.randn(rng, n, n);
        Tensor qValues = Kernels.binary(Tensor.wrap(Kernels.gemm(m.transpose().data(), 0, m.data(), 0, 1, n, n, n),
                n, n).map(v -> v / n), Tensor.eye(n), Kernels.BinaryOp.ADD);
        Tensor inputs = Tensor.randn(rng, batch, features);
        Tensor target = Tensor.randn(rng, batch, n).map(v -> 0.5 * Math.tanh(v));
        double first = Double.NaN;
        double last = Double.NaN;
        // README example begins
        // The layer x*(c) = argmin 1/2 x^T Q x + c^T x over [-1, 1]^n, folded from its PGD step.
        Var q = Var.constant(qValues);
        UpdateMap pgdStep = (x, p) -> x.sub(x.matmul(q).add(p[0]).mul(0.1)).clamp(-1, 1);
        ForwardSolver solver = params -> {              // any solver at all; here: iterate the step
            Var x = Var.constant(Tensor.zeros(params[0].shape()));
            Var[] c = {Var.constant(params[0])};
            for (int k = 0; k < 5_000; k++) {
                x = pgdStep.apply(x, c);
            }
            return x.value();
        };
        FoldedLayer layer = new FoldedLayer(solver, pgdStep,
                FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-10));
        // Train a linear model c = W u + b so that the layer's solutions x*(c(u)) match targets.
        Linear model = new Linear(features, n, new SplittableRandom(0));
        Adam adam = new Adam(model.parameters(), 0.05, 0.9, 0.999, 1e-8);
        for (int epoch = 0; epoch < 100; epoch++) {
            Var x = layer.apply(model.forward(Var.constant(inputs)));   // x*(c), a node of the graph
            Var loss = x.sub(Var.constant(target)).pow(2).mean();
            List<Var> weights = new ArrayList<>();
            model.parameters().forEach(p -> weights.add(p.var()));
            Tensor[] grads = Autodiff.vjp(new Var[] {loss}, weights.toArray(new Var[0]),
                    new Tensor[] {Tensor.scalar(1.0)});                 // one folded backward solve
            adam.step(List.of(grads));
            // README example ends
            first = epoch == 0 ? loss.item() : first;
            last = loss.item();
            assertTrue(layer.lastReport().allOk());
        }
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        assertTrue(model.parameters().stream().map(Parameter::value).allMatch(Tensor::isFinite));
    }
}
