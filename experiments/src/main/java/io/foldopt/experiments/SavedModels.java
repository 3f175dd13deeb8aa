package io.foldopt.experiments;

import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Layer;
import io.foldopt.nn.ModelFile;
import io.foldopt.nn.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trained models of an experiment run in a {@link ModelFile}, with the run's settings as metadata, and their test
 * metric computed again from the file: the experiment's data are regenerated from the recorded seed and size (or
 * others), and each saved model is evaluated under its method exactly as after its last training epoch.
 */
public final class SavedModels {
    private static final String SETTING_PREFIX = "setting.";

    private SavedModels() {}

    /**
     * The test metric of saved models.
     *
     * @param experiment the experiment's name
     * @param config the configuration they were evaluated with
     * @param metricName the test metric
     * @param lowerIsBetter whether smaller is better
     * @param metrics the metric by method, in the file's order
     */
    public record Evaluation(String experiment, ExperimentConfig config, String metricName, boolean lowerIsBetter,
            Map<String, Double> metrics) {}

    /**
     * @param experiment the experiment that trained the models
     * @param config the run's configuration
     * @param models each method's trained model (named after the method) and extra parameters
     * @param extra further metadata (e.g. the foldopt version and commit), after the configuration
     * @return the model file
     */
    public static ModelFile file(String experiment, ExperimentConfig config, List<ModelFile.Model> models,
            Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("experiment", experiment);
        meta.put("size", config.size().name().toLowerCase(Locale.ROOT));
        meta.put("seed", Long.toString(config.seed()));
        meta.put("epochs", Integer.toString(config.epochs()));
        meta.put("batch", Integer.toString(config.batch()));
        meta.put("learning_rate", Double.toString(config.learningRate()));
        meta.put("backward", config.backward().name().toLowerCase(Locale.ROOT));
        meta.put("tolerance", Double.toString(config.tolerance()));
        config.settings().forEach((k, v) -> meta.put(SETTING_PREFIX + k, v.toString()));
        meta.putAll(extra);
        return new ModelFile(meta, models);
    }

    /** @return a saved model: the method's name, the trained layer and the method's extra parameters */
    public static ModelFile.Model model(Method method, Layer trained) {
        return new ModelFile.Model(method.name(), trained, method.extraParameters());
    }

    /**
     * Evaluates the saved models on the test set of their experiment.
     *
     * @param file the models, with the metadata {@link #file} writes
     * @param size the size to evaluate at, or null for the recorded one
     * @param seed the seed of the data, or null for the recorded one
     * @param method the one model to evaluate, or null for all
     * @return the test metric of each model
     * @throws IllegalArgumentException if the metadata do not describe a run of a known experiment, a model's
     *     method does not exist, or a model's shapes do not fit the experiment at that size
     */
    public static Evaluation evaluate(ModelFile file, Size size, Long seed, String method) {
        Experiment e = Experiments.byName(meta(file, "experiment")).orElseThrow(() -> new IllegalArgumentException(
                "metadata.experiment: unknown experiment '" + meta(file, "experiment") + "'"));
        ExperimentConfig config = config(file, e, size, seed);
        TrainingRun.Spec spec = e.setup(config);
        List<ModelFile.Model> models = method == null ? file.models()
                : List.of(file.model(method).orElseThrow(() -> new IllegalArgumentException("the file has no model '"
                        + method + "'; it has " + file.models().stream().map(ModelFile.Model::name).toList())));
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (ModelFile.Model m : models) {
            Method target = spec.methods().stream().filter(x -> x.name().equals(m.name())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("model '" + m.name() + "': " + e.name()
                            + " has no such method; its methods: " + spec.methods().stream().map(Method::name)
                            .toList()));
            String where = "model '" + m.name() + "' (" + e.name() + " at size "
                    + config.size().name().toLowerCase(Locale.ROOT) + ")";
            check(where + " layer", m.layer().parameters(), spec.model().get().parameters());
            check(where + " parameters", m.parameters(), target.extraParameters());
            for (int i = 0; i < m.parameters().size(); i++) {
                target.extraParameters().get(i).set(m.parameters().get(i).value());
            }
            metrics.put(m.name(), TrainingRun.evaluate(spec, m.layer(), target));
        }
        return new Evaluation(e.name(), config, spec.metricName(), spec.lowerIsBetter(), metrics);
    }

    /** Requires the saved parameters to have the names and shapes the experiment's method expects. */
    private static void check(String where, List<Parameter> saved, List<Parameter> expected) {
        List<String> got = saved.stream().map(p -> p.name() + Arrays.toString(p.value().shape())).toList();
        List<String> want = expected.stream().map(p -> p.name() + Arrays.toString(p.value().shape())).toList();
        if (!got.equals(want)) {
            throw new IllegalArgumentException(where + ": the file has parameters " + got + ", the experiment needs "
                    + want + " (was the model trained at another size?)");
        }
    }

    private static ExperimentConfig config(ModelFile file, Experiment e, Size size, Long seed) {
        try {
            Size s = size != null ? size : Size.named(meta(file, "size"));
            Map<String, Object> settings = new LinkedHashMap<>(e.defaults(s).settings());
            for (Setting setting : e.settings()) {
                String value = file.metadata().get(SETTING_PREFIX + setting.name());
                if (value != null) {
                    settings.put(setting.name(), setting.parse(value));
                }
            }
            return new ExperimentConfig(s, Integer.parseInt(meta(file, "epochs")), Integer.parseInt(meta(file,
                    "batch")), Double.parseDouble(meta(file, "learning_rate")),
                    BatchedLinearSolver.named(meta(file, "backward")),
                    Double.parseDouble(meta(file, "tolerance")),
                    seed != null ? seed : Long.parseLong(meta(file, "seed")), settings);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("metadata: " + ex.getMessage(), ex);
        }
    }

    private static String meta(ModelFile file, String key) {
        String v = file.metadata().get(key);
        if (v == null) {
            throw new IllegalArgumentException("metadata: missing key \"" + key + "\" (written by foldopt run"
                    + " --save-model)");
        }
        return v;
    }
}
