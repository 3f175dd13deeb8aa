package io.foldopt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.SavedModels;
import io.foldopt.nn.ModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code foldopt eval --model FILE}: the test metric of saved models, computed again. */
@Command(name = "eval", sortOptions = false,
        description = {"Reads a model file written by 'foldopt run EXPERIMENT --save-model FILE', regenerates the"
                + " experiment's data (from the recorded seed and size unless given) and prints the test metric of"
                + " each saved model (one per method).",
            "The model file is JSON: the architecture and parameter arrays of every method's model, with the run's"
                + " settings (format: the Javadoc of io.foldopt.nn.ModelFile)."})
final class EvalCommand implements Callable<Integer> {
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file.")
    Path model;

    @Option(names = "--seed", description = "Seed of the data (default: the one the models were trained with).")
    Long seed;

    @Option(names = "--size", description = "small or paper (default: the one the models were trained at).")
    Size size;

    @Option(names = "--method", description = "Evaluate only this method's model.")
    String method;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    /** Keeps the command's spec; {@code --size} takes small or paper in any case. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.parser().caseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws IOException {
        ModelFile file;
        try {
            file = ModelFile.read(model);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--model " + model + ": cannot read it: "
                    + OptionChecks.reason(e));
        }
        SavedModels.Evaluation ev;
        try {
            ev = SavedModels.evaluate(file, size, seed, method);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model file " + model + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        String sizeName = ev.config().size().name().toLowerCase(Locale.ROOT);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("experiment", ev.experiment());
            m.put("size", sizeName);
            m.put("seed", ev.config().seed());
            m.put("metric", ev.metricName());
            m.put("lower_is_better", ev.lowerIsBetter());
            m.put("metrics", ev.metrics());
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            out.printf(Locale.ROOT, "%s (%s, seed %d): test %s (%s is better)%n", ev.experiment(), sizeName,
                    ev.config().seed(), ev.metricName(), ev.lowerIsBetter() ? "lower" : "higher");
            int width = ev.metrics().keySet().stream().mapToInt(String::length).max().orElse(0);
            ev.metrics().forEach((name, value) -> out.printf(Locale.ROOT, "%-" + width + "s  %.10g%n", name, value));
        }
        out.flush();
        return 0;
    }
}
