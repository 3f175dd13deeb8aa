package io.foldopt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.ExperimentConfig;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.ExperimentResult;
import io.foldopt.experiments.Experiments;
import io.foldopt.experiments.report.Report;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.parallel.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code foldopt run EXPERIMENT}: trains and evaluates every method of an experiment and writes its report. */
@Command(name = "run", sortOptions = false,
        description = {"Trains and evaluates every method of EXPERIMENT ('foldopt list' shows them), prints a"
                + " results table and writes a report folder: config.json, metrics.csv (per epoch, per method),"
                + " summary.json and PNG charts (learning curves, the test metric by method, time per epoch).",
            "Options left out take the experiment's defaults for the size."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "EXPERIMENT", description = "The experiment's name.")
    String experiment;

    @Option(names = "--size", defaultValue = "small", description = "small (seconds) or paper (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--epochs", description = "Training epochs per method.")
    Integer epochs;

    @Option(names = "--batch", description = "Minibatch size.")
    Integer batch;

    @Option(names = "--lr", description = "Learning rate.")
    Double lr;

    @Option(names = "--backward", description = "Backward method of the folded layers: lfpi, gmres, bicgstab,"
            + " direct or auto.")
    String backward;

    @Option(names = "--tol", description = "Backward tolerance of the folded layers.")
    Double tol;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of data, initialization and shuffling"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Worker threads (default: all processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--out", description = "Report folder (default: reports/EXPERIMENT).")
    Path out;

    @Option(names = "--json", description = "Print the summary as one JSON object instead of the table.")
    boolean json;

    @Option(names = "--quiet", description = "Plain progress lines instead of a progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        Experiment e = Experiments.byName(experiment).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown experiment '" + experiment + "'; 'foldopt list' shows them"));
        ExperimentConfig config = config(e);
        try {
            Parallel.setThreads(threads);
        } catch (IllegalArgumentException ex) {
            throw new ParameterException(spec.commandLine(), "invalid option value: " + ex.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null && !quiet;
        ExperimentResult result = e.run(config, new ProgressBar(err, terminal));
        Path dir = out != null ? out : Path.of("reports", e.name());
        Report.write(result, e.settings(), dir);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(new ObjectMapper().writeValueAsString(Report.summary(result, e.settings())));
        } else {
            stdout.print(Report.table(result));
        }
        stdout.flush();
        err.println("report written to " + dir.toAbsolutePath().normalize());
        err.flush();
        return 0;
    }

    private ExperimentConfig config(Experiment e) {
        try {
            Size s = switch (size) {
                case "small" -> Size.SMALL;
                case "paper" -> Size.PAPER;
                default -> throw new IllegalArgumentException("--size must be small or paper, got '" + size + "'");
            };
            ExperimentConfig d = e.defaults(s);
            BatchedLinearSolver method = backward == null ? d.backward() : BatchedLinearSolver.named(backward);
            return new ExperimentConfig(s, epochs == null ? d.epochs() : epochs, batch == null ? d.batch() : batch,
                    lr == null ? d.learningRate() : lr, method, tol == null ? d.tolerance() : tol, seed);
        } catch (IllegalArgumentException ex) {
            throw new ParameterException(spec.commandLine(), "invalid option value: " + ex.getMessage());
        }
    }
}
