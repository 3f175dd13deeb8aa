package io.foldopt.cli.train;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.nn.Adam;
import io.foldopt.nn.DataLoader;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.EpochListener;
import io.foldopt.nn.EpochMetrics;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Sequential;
import io.foldopt.nn.Trainer;
import io.foldopt.nn.dfl.DecisionBatch;
import io.foldopt.nn.dfl.DecisionLoss;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a model {@code x -> c_hat} of a problem's cost vector from rows of features and true costs, with a
 * decision-focused loss or two-stage regression, and measures the normalized regret of its decisions after every
 * epoch. Features are standardized and costs predicted on a standardized scale during training; the returned
 * network has both folded into its first and last layers, so it maps raw features to costs.
 */
public final class DecisionTraining {
    private DecisionTraining() {}

    /**
     * @param method a {@link Methods} name
     * @param model the architecture
     * @param epochs passes over the training rows
     * @param learningRate Adam's step size
     * @param batch rows per step
     * @param seed the seed of the initial weights, the row order and any sampling in the loss
     * @param loss the settings of the loss
     */
    public record Settings(String method, ModelSpec model, int epochs, double learningRate, int batch, long seed,
            Methods.LossSettings loss) {}

    /**
     * The metrics of one epoch.
     *
     * @param epoch the epoch, from 1
     * @param loss the mean training loss over the epoch's steps
     * @param trainRegret the normalized regret on the training rows after the epoch
     * @param testRegret the normalized regret on the test rows after the epoch (NaN without test rows)
     * @param seconds the epoch's wall-clock seconds, evaluation included
     */
    public record Epoch(int epoch, double loss, double trainRegret, double testRegret, double seconds) {}

    /**
     * @param network the trained network from raw features to costs
     * @param epochs the metrics of every epoch
     * @param initialTrainRegret the normalized regret of the untrained network on the training rows
     * @param initialTestRegret the same on the test rows (NaN without test rows)
     */
    public record Result(Sequential network, List<Epoch> epochs, double initialTrainRegret,
            double initialTestRegret) {}

    /** Receives each epoch's metrics as soon as it ends. */
    @FunctionalInterface
    public interface Progress {
        /** Called once per epoch. */
        void onEpoch(Epoch epoch);
    }

    /**
     * @param problem the problem the costs feed
     * @param oracle its oracle, for the minimization form ({@link Problems#oracle})
     * @param x the training features {@code (N, p)}
     * @param c the training costs {@code (N, n)}
     * @param xTest test features {@code (M, p)}, or null
     * @param cTest test costs {@code (M, n)}, or null
     * @param settings the method, model and optimization settings
     * @param progress receives each epoch's metrics
     * @return the trained network and its metrics
     * @throws IllegalArgumentException naming the row if the problem has no optimal decision for a row's true costs
     */
    public static Result train(DecisionProblem problem, Oracle oracle, Tensor x, Tensor c, Tensor xTest, Tensor cTest,
            Settings settings, Progress progress) {
        Decisions decisions = new Decisions(problem, oracle);
        DecisionBatch truth = decisions.truth(c, "training row");
        DecisionBatch testTruth = xTest == null ? null : decisions.truth(cTest, "test row");
        Standardization inScale = Standardization.of(x);
        Standardization outScale = Standardization.of(c);
        Sequential net = settings.model().build(x.dim(1), c.dim(1), settings.seed());
        DecisionLoss loss = Methods.loss(settings.method(), problem, oracle, truth.decisions(), settings.loss(),
                settings.seed());
        Tensor xs = inScale.apply(x);
        Tensor cs = outScale.apply(c);
        Dataset data = new Dataset(xs, cs, truth.costs(), truth.decisions(), truth.values());
        Trainer trainer = new Trainer(net, new Adam(net.parameters(), settings.learningRate()), (batch, report) -> {
            Var z = net.forward(Var.constant(batch.get(0)));
            if (loss == null) {
                return Losses.mse(z, Var.constant(batch.get(1)));
            }
            Var predicted = decisions.toMinimization(outScale.restore(z));
            return loss.apply(predicted, new DecisionBatch(batch.get(2), batch.get(3), batch.get(4)));
        });
        Tensor testScaled = xTest == null ? null : inScale.apply(xTest);
        trainer.validateWith(model -> {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("train_regret", decisions.regret(predict(net, outScale, xs), truth, "training row"));
            m.put("test_regret", testTruth == null ? Double.NaN : decisions.regret(predict(net, outScale,
                    testScaled), testTruth, "test row"));
            return m;
        });
        double initialTrain = GradMode.noGrad(() -> decisions.regret(predict(net, outScale, xs), truth, "training row"));
        double initialTest = testTruth == null ? Double.NaN
                : GradMode.noGrad(() -> decisions.regret(predict(net, outScale, testScaled), testTruth, "test row"));
        List<Epoch> epochs = new ArrayList<>();
        trainer.onEpoch(m -> {
            Epoch e = epoch(m);
            epochs.add(e);
            progress.onEpoch(e);
        });
        trainer.fit(new DataLoader(data, settings.batch(), true, settings.seed()), settings.epochs());
        return new Result(Standardization.fold(net, inScale, outScale), epochs, initialTrain, initialTest);
    }

    private static Epoch epoch(EpochMetrics m) {
        return new Epoch(m.epoch() + 1, m.trainLoss(), m.metric("train_regret"), m.metric("test_regret"),
                m.seconds());
    }

    /** @return the costs {@code restore(net(x))} for standardized features, outside the graph */
    private static Tensor predict(Sequential net, Standardization outScale, Tensor scaledFeatures) {
        return outScale.restore(net.forward(Var.constant(scaledFeatures))).value();
    }
}
