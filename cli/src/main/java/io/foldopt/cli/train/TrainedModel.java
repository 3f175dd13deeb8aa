package io.foldopt.cli.train;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.nn.Layer;
import io.foldopt.nn.ModelFile;
import io.foldopt.nn.Sequential;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cost model written by {@code foldopt train}: a {@link ModelFile} with one model, the network from raw features
 * to costs, and metadata naming its feature and cost columns (comma-separated, in order) and how it was trained.
 *
 * @param network the network {@code x (B, p) -> c_hat (B, n)}
 * @param features the feature column names, in input order
 * @param costs the cost column names, in output order
 * @param metadata every metadata entry of the file
 */
public record TrainedModel(Layer network, List<String> features, List<String> costs, Map<String, String> metadata) {
    /** The model's name in the file. */
    public static final String NAME = "cost-model";
    /** The metadata entry that marks a file written by {@code foldopt train}. */
    public static final String WRITER = "foldopt train";

    /** Copies the lists and the map. */
    public TrainedModel {
        features = List.copyOf(features);
        costs = List.copyOf(costs);
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Writes the model and its training settings and results.
     *
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Sequential network, List<String> features, List<String> costs,
            DecisionTraining.Settings settings, Path problem, Path data, DecisionTraining.Result result)
            throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("written_by", WRITER);
        m.put("features", String.join(",", features));
        m.put("costs", String.join(",", costs));
        m.put("method", settings.method());
        m.put("model", settings.model().toString());
        m.put("problem", problem.toString());
        m.put("data", data.toString());
        m.put("epochs", Integer.toString(settings.epochs()));
        m.put("lr", Double.toString(settings.learningRate()));
        m.put("batch", Integer.toString(settings.batch()));
        m.put("seed", Long.toString(settings.seed()));
        Methods.LossSettings loss = settings.loss();
        switch (settings.method()) {
            case "pfyl", "dpo" -> {
                m.put("samples", Integer.toString(loss.samples()));
                m.put("sigma", Double.toString(loss.sigma()));
            }
            case "dbb" -> m.put("lambda", Double.toString(loss.lambda()));
            case "nce", "cmap" -> m.put("solve_ratio", Double.toString(loss.solveRatio()));
            case "folded" -> m.put("mu", Double.toString(loss.mu()));
            default -> { }
        }
        DecisionTraining.Epoch last = result.epochs().get(result.epochs().size() - 1);
        m.put("train_regret", Double.toString(last.trainRegret()));
        if (!Double.isNaN(last.testRegret())) {
            m.put("test_regret", Double.toString(last.testRegret()));
        }
        new ModelFile(m, List.of(new ModelFile.Model(NAME, network, List.of()))).write(file);
    }

    /**
     * @return the model in {@code file}
     * @throws IllegalArgumentException naming the file if it is not a model written by {@code foldopt train}
     * @throws IOException if it cannot be read
     */
    public static TrainedModel read(Path file) throws IOException {
        ModelFile f;
        try {
            f = ModelFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = f.metadata();
        if (!WRITER.equals(m.get("written_by")) || !m.containsKey("features") || !m.containsKey("costs")
                || f.model(NAME).isEmpty()) {
            throw new IllegalArgumentException(file + ": not a model written by 'foldopt train' (its metadata needs"
                    + " \"written_by\": \"foldopt train\", \"features\" and \"costs\", and a model named \"" + NAME
                    + "\")");
        }
        List<String> features = Arrays.asList(m.get("features").split(","));
        List<String> costs = Arrays.asList(m.get("costs").split(","));
        Layer net = f.model(NAME).get().layer();
        net.eval();
        Tensor probe;
        try {
            probe = GradMode.noGrad(() -> net.forward(Var.constant(Tensor.zeros(1, features.size())))).value();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the network does not take the " + features.size()
                    + " features of its metadata: " + e.getMessage(), e);
        }
        if (probe.rank() != 2 || probe.dim(1) != costs.size()) {
            throw new IllegalArgumentException(file + ": the network gives " + probe.dim(1) + " outputs for "
                    + costs.size() + " cost columns");
        }
        return new TrainedModel(net, features, costs, m);
    }

    /** @return the predicted costs {@code (N, n)} of features {@code (N, p)} */
    public Tensor predict(Tensor features) {
        network.eval();
        return GradMode.noGrad(() -> network.forward(Var.constant(features))).value();
    }
}
