package io.foldopt.experiments;

import io.foldopt.autodiff.Var;
import io.foldopt.experiments.bilinear.BilinearProblem;
import io.foldopt.experiments.support.FoldSettings;
import io.foldopt.experiments.support.LossMethod;
import io.foldopt.experiments.support.RandomNetwork;
import io.foldopt.experiments.support.TrainTestSplit;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Mlp;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Decision-focused learning with a nonconvex bilinear decision model: predict
 * {@code theta = (c, d)} from features {@code u} and decide
 * {@code z(theta) = argmin_{x in C(k_x), y in C(k_y)} c^T x + d^T y + x^T Q y + mu/2 ||z||^2}
 * ({@link BilinearProblem}; {@code C(k) = {[0, 1]^n, 1^T v = k}}, {@code Q} indefinite).
 *
 * <p><b>Data.</b> {@code u ~ N(0, I_p)}; {@code theta = 1.5 t(u) + sigma eps} with {@code t} a fixed
 * random two-layer network ({@link RandomNetwork}), {@code eps ~ N(0, I)}, {@code sigma = 0.25}; {@code Q}
 * with entries {@code N(0, 1/n)}; all from {@code config.seed()}. Sizes (the paper gives none): small
 * {@code n = 8}, {@code k_x = k_y = 3}, 200 training and 100 test samples; paper {@code n = 30},
 * {@code k_x = k_y = 10}, 800 and 200; {@code p = 5} features. The smoothing {@code mu = 1} is below
 * {@code ||Q||_2} (about 1.6 to 2.1 for these {@code Q}), so the smoothed problem stays nonconvex.
 *
 * <p><b>Methods</b> (model: an MLP {@code u -> theta_hat} with one hidden layer of 64 ReLU units):
 * <ul>
 *   <li>{@code folded-pgd-a}: a {@link FoldedLayer} whose update map is the projected-gradient step with the
 *       closed-form projection (a capped simplex per block, {@code Projections.cappedSimplex});
 *   <li>{@code folded-pgd-b}: the same step with the projection computed as the QP
 *       {@code min 1/2 ||w||^2 - v^T w} over the polyhedron {@code {A w = b, G w <= h}}
 *       ({@code DifferentiableQp}, KKT differentiation);
 *   <li>{@code two-stage}: the MSE of {@code theta_hat} against {@code theta}.
 * </ul>
 * Both folded layers share the forward solver: projected gradient with the closed-form projection from
 * the fixed start {@code Proj_C(0)} (they project onto the same set, so its solutions are fixed points of
 * both steps; the problem is nonconvex, and the same start is used in training and evaluation). Their
 * training loss is the true objective {@code f(z(theta_hat); theta)}, the batch mean.
 *
 * <p><b>Metric.</b> Relative regret on the test set (aggregated, signed: instances with {@code f* ~ 0} would make
 * the per-instance normalized regret of the other experiments meaningless here),
 * {@code sum_i [f(z(theta_hat_i); theta_i) - f(z(theta_i); theta_i)] / sum_i |f(z(theta_i); theta_i)|}, both
 * decisions made by the same forward solver. Since that solver finds local solutions of the smoothed
 * problem, a single instance's regret can be negative.
 */
public final class BilinearExperiment implements Experiment {
    private static final double FORWARD_TOLERANCE = 1e-10;
    private static final double THETA_SCALE = 1.5;

    /**
     * The problem and data sizes of a run: the block size {@code n}, the budget {@code k_x = k_y}, the
     * features {@code p}, the samples, the hidden width of the ground-truth network, {@code mu} and
     * {@code sigma}.
     */
    private record Sizes(int n, int budget, int features, int train, int test, int hidden, double mu,
            double noise) {}

    @Override
    public String name() {
        return "bilinear";
    }

    @Override
    public String description() {
        return "decision-focused learning through a nonconvex bilinear program: folded PGD (closed-form and QP "
                + "projections) vs two-stage";
    }

    @Override
    public ExperimentConfig defaults(ExperimentConfig.Size size) {
        return size == ExperimentConfig.Size.SMALL
                ? new ExperimentConfig(size, 10, 32, 1e-2, BatchedLinearSolver.GMRES, 1e-8, 0)
                : new ExperimentConfig(size, 20, 32, 2e-3, BatchedLinearSolver.GMRES, 1e-8, 0);
    }

    private static Sizes sizes(ExperimentConfig.Size size) {
        return size == ExperimentConfig.Size.SMALL
                ? new Sizes(8, 3, 5, 200, 100, 16, 1.0, 0.25)
                : new Sizes(30, 10, 5, 800, 200, 32, 1.0, 0.25);
    }

    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        Sizes s = sizes(config.size());
        SplittableRandom rng = new SplittableRandom(config.seed());
        BilinearProblem problem = BilinearProblem.random(s.n(), s.budget(), s.budget(), s.mu(), rng.split());
        RandomNetwork truth = new RandomNetwork(s.features(), s.hidden(), problem.dim(), rng.split());
        RandomNetwork.Sample sample = truth.sample(s.train() + s.test(), THETA_SCALE, s.noise(), rng.split());
        TrainTestSplit data = TrainTestSplit.of(s.train(), sample.features(), sample.outputs());

        ForwardSolver solver = problem.solver(FORWARD_TOLERANCE);
        FoldOptions options = FoldSettings.of(config);
        FoldedLayer closedForm = new FoldedLayer(solver, problem.pgd(problem::projectClosedForm).updateMap(), options);
        FoldedLayer polyhedral = new FoldedLayer(solver, problem.pgd(problem::projectQp).updateMap(), options);
        List<Method> methods = List.of(
                decisionFocused("folded-pgd-a", problem, closedForm),
                decisionFocused("folded-pgd-b", problem, polyhedral),
                new LossMethod("two-stage", (pred, batch, stats) -> Losses.mse(pred, Var.constant(batch.targets()))));

        Dataset test = data.test();
        double[] optimal = problem.objective(solver.solve(new Tensor[] {test.targets()}), test.targets());
        double norm = Arrays.stream(optimal).map(Math::abs).sum();
        TrainingRun.TestMetric regret = (model, method) -> {
            Tensor predicted = model.forward(Var.constant(test.features())).value();
            double[] achieved = problem.objective(solver.solve(new Tensor[] {predicted}), test.targets());
            return IntStream.range(0, achieved.length).mapToDouble(i -> achieved[i] - optimal[i]).sum() / norm;
        };
        int[] widths = {s.features(), 64, problem.dim()};
        long modelSeed = rng.nextLong();
        return new TrainingRun.Spec(name(), "relative_regret", true, data.train(),
                () -> Mlp.of(widths, false, 0.0, modelSeed), methods, regret);
    }

    /** A method whose loss is the true objective at the folded layer's decision. */
    private static Method decisionFocused(String name, BilinearProblem problem, FoldedLayer layer) {
        return new LossMethod(name, (pred, batch, stats) -> {
            Var z = stats.forward(pred, layer::apply, layer::lastReport);
            return problem.objective(z, Var.constant(batch.targets())).mean();
        });
    }
}
