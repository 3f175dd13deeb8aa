package io.foldopt.experiments;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.Experiment.Progress;
import io.foldopt.nn.Adam;
import io.foldopt.nn.DataLoader;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.EpochMetrics;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Parameter;
import io.foldopt.nn.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trains one model per method on the same data (same initialization seed, same shuffling) with Adam,
 * evaluates the test metric before training and after every epoch, and collects the layers'
 * statistics.
 */
public final class TrainingRun {
    private TrainingRun() {}

    /** The experiment's test metric of a trained model under a method (evaluated without recording). */
    @FunctionalInterface
    public interface TestMetric {
        /** @return the metric on the test set */
        double evaluate(Layer model, Method method);
    }

    /**
     * What a run needs besides the configuration.
     *
     * @param experiment the experiment's name
     * @param metricName the test metric's name
     * @param lowerIsBetter whether smaller is better
     * @param train the training set (features first)
     * @param model makes a fresh model (same seed each time, so every method starts alike)
     * @param methods the methods, in report order
     * @param metric the test metric
     */
    public record Spec(String experiment, String metricName, boolean lowerIsBetter, Dataset train,
            Supplier<Layer> model, List<Method> methods, TestMetric metric) {}

    /** @return every method's result */
    public static ExperimentResult run(Spec spec, ExperimentConfig config, Progress progress) {
        int total = spec.methods().size() * config.epochs();
        int[] done = {0};
        List<MethodResult> results = new ArrayList<>();
        for (Method method : spec.methods()) {
            Layer model = spec.model().get();
            List<Parameter> params = new ArrayList<>(model.parameters());
            params.addAll(method.extraParameters());
            LayerStats stats = new LayerStats();
            double initial = evaluate(spec, model, method);
            List<EpochRecord> epochs = new ArrayList<>();
            Trainer trainer = new Trainer(model, new Adam(params, config.learningRate(), 0.9, 0.999, 1e-8),
                    (batch, report) -> method.loss(model.forward(Var.constant(batch.features())),
                            batch, stats))
                    .validateWith(m -> Map.of(spec.metricName(), spec.metric().evaluate(m, method)))
                    .onEpoch(m -> {
                        EpochRecord r = record(m, spec.metricName(), stats.snapshot());
                        epochs.add(r);
                        stats.reset();
                        progress.onEpoch(method.name(), r, ++done[0], total);
                    });
            trainer.fit(new DataLoader(spec.train(), config.batch(), true, config.seed()), config.epochs());
            double last = epochs.isEmpty() ? initial : epochs.get(epochs.size() - 1).testMetric();
            progress.onTrained(method, model);
            results.add(new MethodResult(method.name(), initial, last, List.copyOf(epochs)));
        }
        return new ExperimentResult(spec.experiment(), config, spec.metricName(), spec.lowerIsBetter(), results);
    }

    /**
     * @return the test metric of {@code model} under {@code method}, evaluated as during training: the model in
     *     evaluation mode, nothing recorded
     */
    public static double evaluate(Spec spec, Layer model, Method method) {
        model.eval();
        try {
            return GradMode.noGrad(() -> spec.metric().evaluate(model, method));
        } finally {
            model.train();
        }
    }

    private static EpochRecord record(EpochMetrics m, String metric, LayerStats.Snapshot s) {
        return new EpochRecord(m.epoch() + 1, m.trainLoss(), m.metric(metric), m.seconds(), m.cpuSeconds(),
                s.forwardSeconds(), s.backwardSeconds(), s.solves(), s.meanIterations(), s.worstResidual(), s.failures());
    }
}
