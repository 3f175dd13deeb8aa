package io.foldopt.experiments.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.foldopt.experiments.EpochRecord;
import io.foldopt.experiments.ExperimentConfig;
import io.foldopt.experiments.ExperimentResult;
import io.foldopt.experiments.MethodResult;
import io.foldopt.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a run: {@code config.json}, {@code metrics.csv} (one row per method and epoch),
 * {@code summary.json} (one entry per method), and three PNG charts (learning curves, the test
 * metric by method, time per epoch split into layer forward, layer backward and the rest).
 */
public final class Report {
    /** Columns of {@code metrics.csv}, in order. */
    public static final List<String> CSV_COLUMNS = List.of("method", "epoch", "train_loss", "test_metric",
            "epoch_seconds", "epoch_cpu_seconds", "forward_seconds", "backward_seconds", "backward_solves", "mean_backward_iterations",
            "worst_backward_residual", "backward_failures");

    private static final String NOT_APPLICABLE = "n/a";

    private Report() {}

    /**
     * @return the run's settings, then the experiment-specific ones, then where the numbers come from, as
     *     JSON-ready values
     */
    public static Map<String, Object> config(ExperimentResult r, Provenance provenance) {
        ExperimentConfig c = r.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", r.experiment());
        m.put("size", c.size().name().toLowerCase(Locale.ROOT));
        m.put("epochs", c.epochs());
        m.put("batch", c.batch());
        m.put("learning_rate", c.learningRate());
        m.put("backward", c.backward().name().toLowerCase(Locale.ROOT));
        m.put("tolerance", c.tolerance());
        m.put("seed", c.seed());
        m.put("dense_kernels", Kernels.backend().description());
        m.putAll(c.settings());
        m.putAll(provenance.toMap());
        return m;
    }

    /**
     * @return the summary: the settings and, per method, the final metric, times and backward statistics
     *     ({@code null} where the method has no optimization layer or no folded backward)
     */
    public static Map<String, Object> summary(ExperimentResult r, Provenance provenance) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", r.experiment());
        m.put("metric", r.metricName());
        m.put("lower_is_better", r.lowerIsBetter());
        m.put("config", config(r, provenance));
        List<Map<String, Object>> methods = new ArrayList<>();
        for (MethodResult mr : r.methods()) {
            boolean layer = mr.hasLayer();
            boolean folded = mr.hasFoldedBackward();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("method", mr.method());
            e.put("initial_" + r.metricName(), finite(mr.initialTestMetric()));
            e.put("final_" + r.metricName(), finite(mr.finalTestMetric()));
            e.put("mean_epoch_seconds", mr.meanEpochSeconds());
            e.put("mean_epoch_cpu_seconds", finite(mr.meanEpochCpuSeconds()));
            e.put("mean_forward_seconds", layer ? mr.meanForwardSeconds() : null);
            e.put("mean_backward_seconds", layer ? mr.meanBackwardSeconds() : null);
            e.put("mean_backward_iterations", folded ? mr.meanBackwardIterations() : null);
            e.put("worst_backward_residual", folded ? mr.worstBackwardResidual() : null);
            e.put("backward_failures", folded ? mr.backwardFailures() : null);
            methods.add(e);
        }
        m.put("methods", methods);
        return m;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** @return {@code metrics.csv}'s content */
    public static String metricsCsv(ExperimentResult r) {
        StringBuilder sb = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (MethodResult mr : r.methods()) {
            for (EpochRecord e : mr.epochs()) {
                sb.append(String.format(Locale.ROOT, "%s,%d,%.10g,%.10g,%.6f,%.6f,%.6f,%.6f,%d,%.3f,%.3e,%d%n",
                        mr.method(), e.epoch(), e.trainLoss(), e.testMetric(), e.seconds(), e.cpuSeconds(),
                        e.forwardSeconds(),
                        e.backwardSeconds(), e.backwardSolves(), e.meanBackwardIterations(),
                        e.worstBackwardResidual(), e.backwardFailures()));
            }
        }
        return sb.toString();
    }

    /**
     * @return the results table printed at the end of a run: a line naming the metric, the header, then one row
     *     per method, with {@code n/a} where a method has no optimization layer or no folded backward
     */
    public static String table(ExperimentResult r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: test %s (%s is better)%n", r.experiment(),
                r.metricName(), r.lowerIsBetter() ? "lower" : "higher"));
        String row = "%-16s %12s %12s %9s %9s %9s %9s %9s %10s %8s%n";
        sb.append(String.format(Locale.ROOT, row, "method", "untrained", "trained", "epoch_s", "cpu_s", "fwd_s", "bwd_s",
                "bwd_its", "worst_res", "failures"));
        for (MethodResult m : r.methods()) {
            boolean layer = m.hasLayer();
            boolean folded = m.hasFoldedBackward();
            sb.append(String.format(Locale.ROOT, row, m.method(), cell("%.5g", m.initialTestMetric(), true),
                    cell("%.5g", m.finalTestMetric(), true), cell("%.3f", m.meanEpochSeconds(), true),
                    cell("%.3f", m.meanEpochCpuSeconds(), Double.isFinite(m.meanEpochCpuSeconds())),
                    cell("%.3f", m.meanForwardSeconds(), layer), cell("%.3f", m.meanBackwardSeconds(), layer),
                    cell("%.1f", m.meanBackwardIterations(), folded), cell("%.2e", m.worstBackwardResidual(), folded),
                    folded ? Long.toString(m.backwardFailures()) : NOT_APPLICABLE));
        }
        return sb.toString();
    }

    /** @return what each column of {@link #table} means, one line per column */
    public static String legend(ExperimentResult r) {
        return String.join(System.lineSeparator(),
                "untrained, trained: test " + r.metricName() + " before and after training",
                "epoch_s: mean seconds per training epoch",
                "cpu_s: mean CPU seconds of the process per epoch, all threads (the cost of an epoch on a shared"
                        + " machine, where epoch_s includes waiting for the cores)",
                "fwd_s, bwd_s: mean seconds per epoch in the optimization layer's forward and backward passes",
                "bwd_its: mean iterations of a folded backward solve",
                "worst_res: largest relative residual of a folded backward solve",
                "failures: folded backward solves that did not reach the tolerance",
                NOT_APPLICABLE + ": the method has no optimization layer (fwd_s, bwd_s) or no folded backward (bwd_its,"
                        + " worst_res, failures), or the JVM does not measure CPU time (cpu_s)") + System.lineSeparator();
    }

    private static String cell(String format, double value, boolean applies) {
        return applies ? String.format(Locale.ROOT, format, value) : NOT_APPLICABLE;
    }

    /** Writes the report folder (created if needed), replacing report files already in it. */
    public static void write(ExperimentResult r, Provenance provenance, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve("config.json").toFile(), config(r, provenance));
        json.writeValue(dir.resolve("summary.json").toFile(), summary(r, provenance));
        Files.writeString(dir.resolve("metrics.csv"), metricsCsv(r));
        List<Charts.Series> curves = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] finals = new double[r.methods().size()];
        double[][] times = new double[3][r.methods().size()];
        for (int k = 0; k < r.methods().size(); k++) {
            MethodResult m = r.methods().get(k);
            int epochs = m.epochs().size();
            double[] x = new double[epochs + 1];
            double[] y = new double[epochs + 1];
            y[0] = m.initialTestMetric();
            for (int e = 0; e < epochs; e++) {
                x[e + 1] = e + 1;
                y[e + 1] = m.epochs().get(e).testMetric();
            }
            curves.add(new Charts.Series(m.method(), x, y));
            names.add(m.method());
            finals[k] = m.finalTestMetric();
            times[0][k] = m.meanForwardSeconds();
            times[1][k] = m.meanBackwardSeconds();
            times[2][k] = Math.max(0, m.meanEpochSeconds() - m.meanForwardSeconds() - m.meanBackwardSeconds());
        }
        String title = r.experiment();
        Charts.lines(dir.resolve("learning_curves.png"), title + ": test " + r.metricName() + " by epoch", "epoch",
                r.metricName(), curves);
        Charts.bars(dir.resolve("metric_by_method.png"), title + ": final test " + r.metricName(), r.metricName(),
                r.lowerIsBetter(), names, List.of(new Charts.BarGroup(r.metricName(), finals)));
        Charts.bars(dir.resolve("time_per_epoch.png"), title + ": seconds per epoch", "seconds", true, names,
                List.of(new Charts.BarGroup("layer forward", times[0]), new Charts.BarGroup("layer backward", times[1]),
                        new Charts.BarGroup("rest of the epoch", times[2])));
    }
}
