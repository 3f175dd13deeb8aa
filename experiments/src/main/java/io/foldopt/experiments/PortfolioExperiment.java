package io.foldopt.experiments;

import io.foldopt.autodiff.Var;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.portfolio.PortfolioData;
import io.foldopt.experiments.portfolio.PortfolioProblem;
import io.foldopt.experiments.support.LossMethod;
import io.foldopt.experiments.support.TrainTestSplit;
import io.foldopt.status.FailurePolicy;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Mlp;
import io.foldopt.nn.ScaleShift;
import io.foldopt.nn.Sequential;
import io.foldopt.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decision-focused learning of a risk-constrained portfolio: a model predicts the
 * returns {@code c_hat (n)} of {@code n} assets from {@code p = 5} features, and the decision is
 * {@code x*(c_hat) = argmax c_hat^T x - 0.1 ||x||^2 s.t. x^T Sigma x <= gamma, 1^T x <= 1, x >= 0}
 * ({@link PortfolioProblem}), on data of Elmachtoub and Grigas' kind ({@link PortfolioData}, tau = 0.1).
 *
 * <p>The true objective is {@code f(x, c) = c^T x - 0.1 ||x||^2}, ridge term included, everywhere. The
 * test metric is the normalized regret {@code (f(x*(c), c) - f(x*(c_hat), c)) / |f(x*(c), c)|} averaged over
 * the test set, every method's decisions made by the same SQP forward solver; the decision-focused methods
 * are trained on the same quantity over the minibatch ({@code f(x*(c), c)} is solved once, before training).
 * Methods:
 *
 * <ul>
 *   <li>{@code folded-sqp}: {@link io.foldopt.algorithms.Sqp} (full Newton steps on {@code (x, lambda)},
 *       QP subproblems differentiated through their KKT conditions) folded with its own forward solver and
 *       the configured backward method. The default is LFPI: SQP is a Newton map, {@code Phi ~ 0} at the
 *       solution, and one iteration gives the exact gradient (AUTO would pick DIRECT for SMALL's 22-dimensional
 *       state: 22 VJPs through the step instead of one LFPI iteration).
 *   <li>{@code kkt}: the baseline a convex-layer library implements, differentiating the problem's KKT
 *       system: a folded layer whose map is {@code U(z) = z - F(z, c)} with {@code F} the KKT residual
 *       ({@link PortfolioProblem#kktResidualStep()}), so that {@code (I - Phi)^T = (dF/dz)^T}, always solved
 *       DIRECT (materialized and LU-factored); same forward solver, same loss. It computes the same gradient
 *       as {@code folded-sqp}, so both follow the same training trajectory; they differ in cost.
 *   <li>{@code two-stage}: the model fitted to the returns by mean squared error.
 * </ul>
 *
 * <p>Model: an MLP {@code 5 -> 16 -> n} (ReLU) predicting standardized returns, followed by a fixed affine
 * map to returns with the mean and standard deviation of all training returns (the same for every method).
 * Without it the untrained network's returns are of order 1 against true returns of order 0.1 with spreads of
 * 0.05, its decisions are vertices of the budget simplex (one asset, where the ridge term no longer smooths
 * the solution map) and the decision-focused gradients vanish.
 *
 * <p>Sizes: SMALL has {@code n = 10} assets and 120 samples; PAPER the paper's {@code n = 50} and 320
 * samples; both split 80/20 (the first 80% train). With the paper's {@code gamma = 11.25 wbar^T Sigma wbar}
 * and {@code Sigma ~ 1e-6 I}, the risk constraint reads {@code ||x||^2 <~ 11.25 / n}: it cannot bind for
 * {@code n <= 11} (the budget gives {@code ||x||^2 <= 1}) and binds for {@code n = 50} only on concentrated
 * portfolios. The polynomial degree is the setting {@code deg} (4 by default): the papers' sweep is
 * {@code foldopt run portfolio --size paper --set deg=D} for {@code D = 1, 2, 4, 6, 8}.
 */
public final class PortfolioExperiment implements Experiment {
    private static final Setting DEGREE = Setting.integer("deg", "polynomial degree of the map from features to"
            + " returns (1 is linear; the papers sweep 1, 2, 4, 6, 8)", 1);
    private static final int DEFAULT_DEGREE = 4;
    private static final int FEATURES = 5;
    private static final double NOISE = 0.1;
    private static final int HIDDEN = 16;
    private static final String METRIC = "normalized_regret";

    @Override
    public String name() {
        return "portfolio";
    }

    @Override
    public String description() {
        return "risk-constrained portfolio (SQP), MLP predicts returns: folded SQP vs KKT differentiation vs"
                + " two-stage, normalized regret";
    }

    /** @return the data's polynomial degree, {@code deg} */
    @Override
    public List<Setting> settings() {
        return List.of(DEGREE);
    }

    @Override
    public ExperimentConfig defaults(Size size) {
        ExperimentConfig c = size == Size.SMALL
                ? new ExperimentConfig(size, 20, 16, 0.02, BatchedLinearSolver.LFPI, 1e-8, 0)
                : new ExperimentConfig(size, 20, 32, 0.02, BatchedLinearSolver.LFPI, 1e-8, 0);
        return c.withSettings(Map.of(DEGREE.name(), DEFAULT_DEGREE));
    }

    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        boolean small = config.size() == Size.SMALL;
        int assets = small ? 10 : 50;
        int samples = small ? 120 : 320;
        PortfolioData data = PortfolioData.generate(samples, assets, FEATURES, config.intSetting(DEGREE.name()), NOISE,
                config.seed());
        PortfolioProblem problem = new PortfolioProblem(data.covariance(), data.gamma());
        Tensor optimal = PortfolioProblem.value(Var.constant(problem.solve(data.returns())),
                Var.constant(data.returns())).value();
        TrainTestSplit split = TrainTestSplit.of(samples * 4 / 5, data.features(), data.returns(), optimal);

        FoldOptions options = FoldOptions.defaults().withSolver(config.backward()).withTolerance(config.tolerance())
                .withOnFailure(FailurePolicy.FLAG);
        FoldedLayer folded = new FoldedLayer(problem.solver(), problem.sqp().updateMap(), options);
        FoldedLayer kkt = new FoldedLayer(problem.solver(), problem.kktResidualStep(),
                options.withSolver(BatchedLinearSolver.DIRECT));
        List<Method> methods = List.of(
                decisionFocused("folded-sqp", folded, problem),
                decisionFocused("kkt", kkt, problem),
                new LossMethod("two-stage", (prediction, batch, stats) ->
                        Losses.mse(prediction, Var.constant(batch.get(1)))));
        long modelSeed = config.seed() * 31 + 7;
        double[] moments = moments(split.train().get(1));
        return new TrainingRun.Spec(name(), METRIC, true, split.train(),
                () -> new Sequential(Mlp.of(new int[] {FEATURES, HIDDEN, assets}, false, 0, modelSeed),
                        new ScaleShift(moments[1], moments[0])),
                methods,
                (model, method) -> regret(problem, model, split.test()));
    }

    /** @return the mean and the standard deviation of all entries of {@code t} */
    private static double[] moments(Tensor t) {
        double mean = 0;
        for (double v : t.data()) {
            mean += v / t.size();
        }
        double var = 0;
        for (double v : t.data()) {
            var += (v - mean) * (v - mean) / t.size();
        }
        return new double[] {mean, Math.sqrt(var)};
    }

    /** @return the mean normalized regret of the model's decisions on {@code data} */
    private static double regret(PortfolioProblem problem, Layer model, Dataset data) {
        Tensor predicted = model.forward(Var.constant(data.features())).value();
        Var decisions = Var.constant(problem.solve(predicted));
        return normalizedRegret(decisions, data).item();
    }

    /**
     * @return the mean over the batch of {@code (f(x*(c), c) - f(x, c)) / |f(x*(c), c)|} (a scalar node,
     *     differentiable in {@code x})
     */
    private static Var normalizedRegret(Var decisions, Dataset batch) {
        Tensor optimal = batch.get(2);
        Var value = PortfolioProblem.value(decisions, Var.constant(batch.get(1)));
        return Var.constant(optimal).sub(value).div(Var.constant(optimal.map(Math::abs))).mean();
    }

    /** @return a method trained on the normalized regret of the decisions of a folded layer over the state */
    private static Method decisionFocused(String name, FoldedLayer layer, PortfolioProblem problem) {
        Function<Var, Var> decide = c -> problem.sqp().output(layer.apply(c));
        return new LossMethod(name, (prediction, batch, stats) ->
                normalizedRegret(stats.forward(prediction, decide, layer::lastReport), batch));
    }
}
