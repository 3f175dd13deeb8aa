package io.foldopt.cli;

import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.ExperimentConfig;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.Experiments;
import io.foldopt.experiments.Setting;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Finding an experiment by its command-line name, and describing its defaults per size and its settings. */
final class ExperimentHelp {
    private ExperimentHelp() {}

    /**
     * @return the experiment called {@code name}
     * @throws ParameterException if there is none, suggesting close names
     */
    static Experiment find(String name, CommandLine cmd) {
        return Experiments.byName(name).orElseThrow(() -> new ParameterException(cmd, "unknown experiment '" + name
                + "'" + Suggestions.didYouMean(name, Experiments.all().stream().map(Experiment::name).toList())
                + "; 'foldopt list' shows them"));
    }

    /**
     * @return the experiment's defaults per size as the options that set them, and its settings, one indented line
     *     each, e.g. {@code   small: --epochs 20 --batch 16 ... --set deg=4}
     */
    static String defaults(Experiment e) {
        StringBuilder sb = new StringBuilder();
        for (Size size : Size.values()) {
            sb.append(String.format(Locale.ROOT, "  %s: %s%n", size.name().toLowerCase(Locale.ROOT),
                    options(e.defaults(size))));
        }
        for (Setting s : e.settings()) {
            sb.append(String.format(Locale.ROOT, "  --set %s=VALUE: %s%n", s.name(), s.description()));
        }
        return sb.toString();
    }

    /** @return the options of {@code foldopt run} that give the configuration (all but the size and seed) */
    static String options(ExperimentConfig c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "--epochs %d --batch %d --lr %s --backward %s"
                + " --tol %s", c.epochs(), c.batch(), number(c.learningRate()), c.backward().name().toLowerCase(Locale.ROOT),
                number(c.tolerance())));
        for (Map.Entry<String, Object> s : c.settings().entrySet()) {
            sb.append(" --set ").append(s.getKey()).append('=').append(s.getValue());
        }
        return sb.toString();
    }

    /** @return {@code v} in its shortest exact decimal form, e.g. {@code 0.02} or {@code 1e-8} */
    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toString().toLowerCase(Locale.ROOT).replace("e+", "e");
    }
}
