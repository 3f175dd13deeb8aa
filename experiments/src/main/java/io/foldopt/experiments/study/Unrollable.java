package io.foldopt.experiments.study;

import io.foldopt.algorithms.DualProximalGradient;
import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.denoising.PiecewiseConstantSignals;
import io.foldopt.experiments.nonconvexqp.NonconvexQp;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.qp.QpOptions;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A layer that can be both folded and unrolled: its update {@code U}, a forward solver for its fixed points, the
 * read-out of the output from the state, and a batch of parameters.
 *
 * @param name the layer's name in the tables
 * @param update the update {@code U(x, c)}
 * @param solver the forward solver
 * @param readOut the output from the state (identity but for dual methods)
 * @param params the parameters {@code c (B, p)}
 */
record Unrollable(String name, UpdateMap update, ForwardSolver solver, UnaryOperator<Var> readOut, Tensor params) {

    /**
     * @return the nonconvex-qp experiment's problem ({@code n} variables, {@code 3n/10} equalities and
     *     inequalities) with its projected-gradient step through the QP projection (step 0.5) and its SQP forward;
     *     standard normal parameters
     */
    static Unrollable nonconvexQp(int n, int batch, SplittableRandom rng) {
        NonconvexQp qp = NonconvexQp.random(n, n * 3 / 10, n * 3 / 10, rng.split());
        ProjectedGradient pgd = new ProjectedGradient(n, qp, qp.set().projection(QpOptions.defaults()), 0.5);
        return new Unrollable("nonconvex-qp/pgd", pgd.updateMap(), p -> qp.solve(p[0]), UnaryOperator.identity(),
                Tensor.randn(rng.split(), batch, n));
    }

    /**
     * @return total-variation denoising of {@code n}-sample piecewise-constant signals by dual proximal gradient (the
     *     denoising experiment's folded-dpg layer with {@code D} the forward differences, {@code lambda = 0.3})
     */
    static Unrollable denoisingDpg(int n, int batch, long seed) {
        double[] d = new double[(n - 1) * n];
        for (int i = 0; i < n - 1; i++) {
            d[i * n + i] = -1;
            d[i * n + i + 1] = 1;
        }
        double lambda = 0.3;
        DualProximalGradient dpg = new DualProximalGradient(Var.constant(Tensor.wrap(d, n - 1, n)),
                Var.scalar(lambda));
        return new Unrollable("denoising/dpg", dpg.updateMap(), dpg.solver(1e-12, 1_000_000), dpg::output,
                PiecewiseConstantSignals.generate(batch, n, 0.2, seed).noisy());
    }
}
