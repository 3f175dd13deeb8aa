package io.foldopt.experiments;

import io.foldopt.autodiff.Var;
import io.foldopt.experiments.nonconvexqp.NonconvexQp;
import io.foldopt.experiments.nonconvexqp.PolynomialFeatures;
import io.foldopt.experiments.support.LossMethod;
import io.foldopt.experiments.support.TrainTestSplit;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Mlp;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decision-focused learning through a nonconvex QP: predict the sine weights {@code p} of
 * {@code min_y 1/2 y^T Q y + p^T sin(y) s.t. A y = b, G y <= h} ({@link NonconvexQp}, the DC3 instance) from
 * features, and decide with the local solution {@code y*(p_hat)}.
 *
 * <p><b>Data</b> ({@link PolynomialFeatures}): features {@code u ~ N(0, I_5)},
 * {@code p_j = eps_j ((B u)_j / sqrt(5) + 3)^4 / 3^4 - 1} with multiplicative noise
 * {@code eps ~ U[0.5, 1.5]}; all from {@code config.seed()}. The model is linear, {@code p_hat = W u + c},
 * misspecified for the degree-4 map (the PyEPO setting in which decision-focused learning pays).
 *
 * <p><b>Methods</b>:
 * <ul>
 *   <li>{@code folded-pgd}: the folded projected-gradient layer of variant (b) (projection through the
 *       differentiable QP) over the local SQP ({@link NonconvexQp#foldedLayer}); loss: the true objective at
 *       the predicted decision minus the optimal one, {@code mean_b f(y*(p_hat_b); p_b) - f(y*(p_b); p_b)}
 *       (the regret; the constant {@code f(y*(p_b); p_b)} does not change the gradient);
 *   <li>{@code two-stage}: the MSE of {@code p_hat} against {@code p}.
 * </ul>
 *
 * <p><b>Sizes</b>: {@code SMALL} has 10 variables, 3 equalities, 3 inequalities, 200 training and 100 test
 * samples; {@code PAPER} the paper's 100 variables, 50 equalities and 50 inequalities, with 1000 training and 200
 * test samples (the reference's 8334 would take hours: every training step solves the batch's problems).
 *
 * <p><b>Metric</b>: the normalized regret {@code |f(y*(p_hat); p) - f(y*(p); p)| / |f(y*(p); p)|} averaged over
 * the test set, both decisions by the same local solver from the same start (so a single instance may have
 * {@code f(y*(p_hat); p) < f(y*(p); p)} when the predicted problem leads the solver to a better local minimum).
 */
public final class NonconvexQpExperiment implements Experiment {
    private static final int FEATURES = 5;
    private static final int DEGREE = 4;
    private static final double NOISE = 0.5;

    /** The problem and data sizes of a run. */
    private record Sizes(int n, int equalities, int inequalities, int train, int test) {}

    @Override
    public String name() {
        return "nonconvex-qp";
    }

    @Override
    public String description() {
        return "decision-focused learning through a nonconvex QP (DC3 instance): folded PGD with the QP "
                + "projection over a local SQP vs two-stage";
    }

    @Override
    public ExperimentConfig defaults(ExperimentConfig.Size size) {
        return size == ExperimentConfig.Size.SMALL
                ? new ExperimentConfig(size, 12, 20, 5e-2, BatchedLinearSolver.AUTO, 1e-8, 0)
                : new ExperimentConfig(size, 10, 50, 5e-2, BatchedLinearSolver.AUTO, 1e-8, 0);
    }

    private static Sizes sizes(ExperimentConfig.Size size) {
        return size == ExperimentConfig.Size.SMALL ? new Sizes(10, 3, 3, 200, 100) : new Sizes(100, 50, 50, 1000, 200);
    }

    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        Sizes s = sizes(config.size());
        SplittableRandom rng = new SplittableRandom(config.seed());
        NonconvexQp problem = NonconvexQp.random(s.n(), s.equalities(), s.inequalities(), rng.split());
        PolynomialFeatures truth = new PolynomialFeatures(FEATURES, s.n(), DEGREE, NOISE, rng.split());
        Tensor[] sample = truth.sample(s.train() + s.test(), rng.split());
        Tensor p = sample[1];
        Tensor optimal = Tensor.wrap(problem.objectives(problem.solve(p), p), p.dim(0), 1);
        TrainTestSplit data = TrainTestSplit.of(s.train(), sample[0], p, optimal);

        FoldedLayer layer = problem.foldedLayer(FoldOptions.defaults().withSolver(config.backward())
                .withTolerance(config.tolerance()).withOnFailure(FailurePolicy.FLAG));
        List<Method> methods = List.of(
                new LossMethod("folded-pgd", (pred, batch, stats) -> {
                    Var y = stats.forward(pred, layer::apply, layer::lastReport);
                    Var achieved = problem.value(y, new Var[] {Var.constant(batch.targets())});
                    return achieved.sub(Var.constant(batch.get(2).reshape(batch.size()))).mean();
                }),
                new LossMethod("two-stage", (pred, batch, stats) -> Losses.mse(pred, Var.constant(batch.targets()))));
        Dataset test = data.test();
        TrainingRun.TestMetric regret = (model, method) ->
                meanNormalizedRegret(problem, model.forward(Var.constant(test.features())).value(), test);
        long modelSeed = rng.nextLong();
        return new TrainingRun.Spec(name(), "normalized_regret", true, data.train(),
                () -> Mlp.of(new int[] {FEATURES, s.n()}, false, 0.0, modelSeed), methods, regret);
    }

    /**
     * @param predicted the predicted parameters {@code p_hat (N, n)}
     * @param data the samples: features, true parameters {@code p (N, n)}, optimal values {@code f(y*(p); p) (N, 1)}
     * @return the mean over the samples of {@code |f(y*(p_hat); p) - f(y*(p); p)| / |f(y*(p); p)|}
     */
    public static double meanNormalizedRegret(NonconvexQp problem, Tensor predicted, Dataset data) {
        double[] achieved = problem.objectives(problem.solve(predicted), data.targets());
        double[] best = data.get(2).data();
        double sum = 0;
        for (int i = 0; i < achieved.length; i++) {
            sum += Math.abs(achieved[i] - best[i]) / Math.abs(best[i]);
        }
        return sum / achieved.length;
    }
}
