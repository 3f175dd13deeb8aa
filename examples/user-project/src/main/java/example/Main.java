package example;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Adam;
import io.foldopt.nn.Linear;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/** Trains a linear model through a folded optimization layer so that its solutions match targets. */
public final class Main {
    public static void main(String[] args) {
        int n = 10, batch = 32, features = 5;
        SplittableRandom rng = new SplittableRandom(1);
        Var m = Var.constant(Tensor.randn(rng, n, n));
        Var q = m.transpose().matmul(m).mul(1.0 / n).add(Var.constant(Tensor.eye(n)));   // Q = M'M/n + I
        Var inputs = Var.constant(Tensor.randn(rng, batch, features));
        Var target = Var.constant(Tensor.randn(rng, batch, n).map(v -> 0.5 * Math.tanh(v)));

        // The layer x*(c) = argmin 1/2 x'Qx + c'x over [-1, 1]^n, folded from one projected-gradient step U.
        UpdateMap step = (x, c) -> x.sub(x.matmul(q).add(c[0]).mul(0.1)).clamp(-1, 1);
        ForwardSolver solver = ForwardSolver.iterating(step, 1e-13, 10_000);   // or any solver at all
        FoldedLayer layer = new FoldedLayer(solver, step,
                FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES).withTolerance(1e-10));

        // Learn c = W u + b so that the layer's solutions x*(c(u)) match the targets.
        Linear model = new Linear(features, n, new SplittableRandom(0));
        Adam adam = new Adam(model.parameters(), 0.05);
        for (int epoch = 0; epoch < 100; epoch++) {
            Var x = layer.apply(model.forward(inputs));            // x*(c), a node of the graph
            Var loss = x.sub(target).pow(2).mean();
            double value = adam.minimize(loss);                    // one folded backward solve, one Adam step
            if (epoch % 20 == 0 || epoch == 99) {
                System.out.printf("epoch %3d  loss %.5f  backward: %s%n", epoch, value, layer.lastReport());
            }
        }
    }
}
