package io.foldopt.experiments;

import io.foldopt.algorithms.Sqp;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.multilabel.BinaryEntropyTopK;
import io.foldopt.experiments.support.FoldSettings;
import io.foldopt.experiments.support.LossMethod;
import io.foldopt.experiments.support.RandomNetwork;
import io.foldopt.experiments.support.TrainTestSplit;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Mlp;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Top-k multilabel classification with the LML layer
 * {@code x*(c) = argmax c^T x + eps H_b(x) s.t. 0 <= x <= 1, 1^T x = k} on the scores {@code c} of an MLP,
 * against its folded reproductions ({@link BinaryEntropyTopK}).
 *
 * <p><b>Data</b> (synthetic, seeded, no downloads). Features {@code u ~ N(0, I_d)}; label scores
 * {@code s = t(u) + sigma eps} with {@code t} a fixed random two-layer network ({@link RandomNetwork}) and
 * {@code eps ~ N(0, I)}; each sample has {@code k'} labels, {@code k'} uniform in {@code {1, ..., k}}, namely
 * the {@code k'} largest entries of {@code s}. The targets are the 0/1 indicator rows; {@code sigma = 0.1}.
 * Sizes (the paper gives none): small {@code d = 10} features, {@code n = 20} labels, {@code k = 3}, 400
 * training and 200 test samples; paper {@code d = 50}, {@code n = 100}, {@code k = 5}, 3000 and 1000. The
 * layers use {@code eps = 1} (LML's {@code x = sigmoid(c - nu)}).
 *
 * <p><b>Methods</b> (model: an MLP {@code u -> c} with one hidden layer of 64 ReLU units):
 * <ul>
 *   <li>{@code lml}: {@code x = LML(c)} with its analytic VJP;
 *   <li>{@code folded-pgd}: the folded PGD layer (capped-simplex projection, LML's closed-form forward);
 *   <li>{@code folded-sqp}: the folded Newton-SQP layer on {@code (x, nu)} (LML's forward plus {@code nu});
 *   <li>{@code cross-entropy}: binary cross-entropy with logits {@code c} against the indicators.
 * </ul>
 * The three layers take the squashed scores {@code S tanh(c / S)}, {@code S = 5} (to bound the conditioning
 * of the folded PGD's backward system; the squashing is monotone, so the recall does not see it) and share
 * the loss of the LML paper, {@code -sum_{i in Y} log x_i} (mean over the batch), so {@code folded-pgd} and
 * {@code folded-sqp} follow {@code lml}'s training up to the backward tolerance.
 *
 * <p><b>Metric.</b> Top-k recall on the test set: the fraction of a sample's true labels among its
 * {@code k} highest scores {@code c}, averaged over samples (higher is better; at most 1 since
 * {@code k' <= k}).
 */
public final class MultilabelExperiment implements Experiment {
    private static final double EPS = 1.0;
    private static final double PGD_STEP = 0.1;
    /**
     * {@code S}: the top-k layers see the scores squashed to {@code S tanh(c / S)}. At the solution the folded
     * PGD's backward operator {@code I - Phi} is, on {@code {1^T v = 0}},
     * {@code alpha eps P diag(1 / (x_i (1 - x_i))) P} ({@code P} the projection onto that plane), whose
     * condition number grows without bound as labels saturate during training, until GMRES stalls above its
     * tolerance; with {@code |c_i - nu| <= 2S = 10} ({@code eps = 1}) it stays below about {@code 10^4} and
     * GMRES reaches {@code 1e-10}.
     */
    private static final double SCORE_BOUND = 5.0;

    /**
     * The problem and data sizes of a run: features {@code d}, labels {@code n}, {@code k}, the samples, the
     * hidden width of the ground-truth network and the score noise {@code sigma}.
     */
    private record Sizes(int features, int labels, int k, int train, int test, int hidden, double noise) {}

    @Override
    public String name() {
        return "multilabel";
    }

    @Override
    public String description() {
        return "top-k multilabel classification: LML vs folded PGD and folded SQP on the binary-entropy top-k "
                + "problem, and cross-entropy";
    }

    @Override
    public ExperimentConfig defaults(ExperimentConfig.Size size) {
        return size == ExperimentConfig.Size.SMALL
                ? new ExperimentConfig(size, 6, 32, 1e-2, BatchedLinearSolver.GMRES, 1e-10, 0)
                : new ExperimentConfig(size, 15, 64, 2e-3, BatchedLinearSolver.GMRES, 1e-10, 0);
    }

    private static Sizes sizes(ExperimentConfig.Size size) {
        return size == ExperimentConfig.Size.SMALL
                ? new Sizes(10, 20, 3, 400, 200, 32, 0.1)
                : new Sizes(50, 100, 5, 3000, 1000, 64, 0.1);
    }

    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        Sizes s = sizes(config.size());
        SplittableRandom rng = new SplittableRandom(config.seed());
        RandomNetwork truth = new RandomNetwork(s.features(), s.hidden(), s.labels(), rng.split());
        int total = s.train() + s.test();
        RandomNetwork.Sample sample = truth.sample(total, 1.0, s.noise(), rng.split());
        SplittableRandom counts = rng.split();
        double[] labels = new double[total * s.labels()];
        for (int i = 0; i < total; i++) {
            for (int j : topIndices(sample.outputs().row(i), 1 + counts.nextInt(s.k()))) {
                labels[i * s.labels() + j] = 1.0;
            }
        }
        TrainTestSplit data = TrainTestSplit.of(s.train(), sample.features(), Tensor.wrap(labels, total, s.labels()));

        BinaryEntropyTopK problem = new BinaryEntropyTopK(s.labels(), s.k(), EPS);
        FoldOptions options = FoldSettings.of(config);
        FoldedLayer pgd = problem.foldedPgd(PGD_STEP, options);
        Sqp sqp = problem.sqp();
        FoldedLayer sqpLayer = problem.foldedSqp(sqp, options);
        List<Method> methods = List.of(
                topK("lml", problem::lml, null),
                topK("folded-pgd", pgd::apply, pgd),
                topK("folded-sqp", c -> sqp.output(sqpLayer.apply(c)), sqpLayer),
                new LossMethod("cross-entropy", (c, batch, stats) ->
                        Losses.binaryCrossEntropyWithLogits(c, Var.constant(batch.targets()))));

        Dataset test = data.test();
        int k = s.k();
        TrainingRun.TestMetric recall = (model, method) ->
                recall(model.forward(Var.constant(test.features())).value(), test.targets(), k);
        int[] widths = {s.features(), 64, s.labels()};
        long modelSeed = rng.nextLong();
        return new TrainingRun.Spec(name(), "top_k_recall", false, data.train(),
                () -> Mlp.of(widths, false, 0.0, modelSeed), methods, recall);
    }

    /**
     * A method with LML's loss {@code -sum_{i in Y} log x_i} on a top-k layer's output {@code x} for the
     * squashed scores.
     *
     * @param folded the folded layer whose backward report is recorded, or null
     */
    private static Method topK(String name, Function<Var, Var> layer, FoldedLayer folded) {
        return new LossMethod(name, (c, batch, stats) -> {
            Var bounded = c.mul(1.0 / SCORE_BOUND).tanh().mul(SCORE_BOUND);
            Var x = stats.forward(bounded, layer, folded == null ? null : folded::lastReport);
            return x.log().mask(batch.targets()).sum(-1).mean().neg();
        });
    }

    /** @return the mean over rows of {@code |top-k(scores) ∩ Y| / |Y|} */
    private static double recall(Tensor scores, Tensor targets, int k) {
        int rows = scores.dim(0);
        double sum = 0;
        for (int b = 0; b < rows; b++) {
            double[] y = targets.row(b);
            double hits = 0;
            for (int j : topIndices(scores.row(b), k)) {
                hits += y[j];
            }
            sum += hits / Arrays.stream(y).sum();
        }
        return sum / rows;
    }

    /**
     * @return the indices of the {@code count} largest entries, largest first (ties to the lower index, NaN after
     *     every number), by {@code count} selection passes
     */
    private static int[] topIndices(double[] values, int count) {
        int[] top = new int[Math.min(count, values.length)];
        boolean[] taken = new boolean[values.length];
        for (int r = 0; r < top.length; r++) {
            int best = -1;
            for (int j = 0; j < values.length; j++) {
                if (!taken[j] && (best < 0 || Double.isNaN(values[best]) && !Double.isNaN(values[j])
                        || values[j] > values[best])) {
                    best = j;
                }
            }
            taken[best] = true;
            top[r] = best;
        }
        return top;
    }
}
