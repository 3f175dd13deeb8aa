package io.foldopt.cli;

import io.foldopt.cli.train.DecisionProblem;
import io.foldopt.cli.train.Problems;
import io.foldopt.cli.train.Predictions;
import io.foldopt.cli.train.TrainedModel;
import io.foldopt.nn.data.Csv;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code foldopt predict}: predicted costs, and the decisions they lead to, for new rows. */
@Command(name = "predict", sortOptions = false,
        description = {"Reads a model written by 'foldopt train' and the feature columns it names from a CSV file,"
                + " and writes one row per input row: the predicted costs and, with --problem, the optimal decision"
                + " for them and its objective value. If the file also has the cost columns, prints the normalized"
                + " regret of the decisions."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", description = "A model file written by"
            + " 'foldopt train'.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "NEW.csv", description = "Rows with the model's"
            + " feature columns.")
    Path data;

    @Option(names = "--problem", paramLabel = "PROBLEM.json|.mps", description = "The problem to decide: adds the"
            + " optimal decision for the predicted costs (columns w_VARIABLE) and its objective.")
    Path problem;

    @Option(names = "--solver", defaultValue = "auto", paramLabel = "auto|ortools|ojalgo", description = "The LP/MIP"
            + " solver, as for 'foldopt train' (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--out", required = true, paramLabel = "PREDICTIONS.csv", description = "The output CSV file.")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out file.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new ParameterException(spec.commandLine(), "--model " + model + ": no such file");
        }
        List<String> header = DataColumns.header(spec, "--data", data);
        FileChecks.newFile(spec, "--out", out, force);
        TrainedModel m = TrainedModel.read(model);
        DataColumns.present(spec, "--data", m.features(), "feature", header, data);
        DecisionProblem p = problem == null ? null : ProblemOptions.read(spec, problem);
        if (p != null && p.variableCount() != m.costs().size()) {
            throw new ParameterException(spec.commandLine(), "--problem " + problem + " has " + p.variableCount()
                    + " variables, but the model predicts " + m.costs().size() + " costs");
        }
        Problems.Solver s = p == null ? null : ProblemOptions.solver(spec, p, solver);
        Tensor x = Csv.read(data, m.features());
        boolean hasCosts = header.containsAll(m.costs());
        Tensor c = hasCosts && p != null ? Csv.read(data, m.costs()) : null;
        Predictions r = Predictions.of(m, p, s == null ? null : s.oracle(), x, c);
        Csv.write(out, r.columns(), r.values());
        PrintWriter o = spec.commandLine().getOut();
        if (s != null) {
            o.printf(Locale.ROOT, "solver: %s%n", s.description());
        }
        o.printf(Locale.ROOT, "wrote %d rows to %s: %s%n", x.dim(0), out, r.describe());
        if (!Double.isNaN(r.regret())) {
            o.printf(Locale.ROOT, "normalized regret on %s: %.6f%n", data, r.regret());
        }
        o.flush();
        return 0;
    }
}
