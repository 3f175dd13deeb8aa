package io.foldopt.cli;

import io.foldopt.cli.train.DecisionProblem;
import io.foldopt.cli.train.DecisionTraining;
import io.foldopt.cli.train.DecisionTraining.Epoch;
import io.foldopt.cli.train.DecisionTraining.Result;
import io.foldopt.cli.train.DecisionTraining.Settings;
import io.foldopt.cli.train.Methods;
import io.foldopt.cli.train.ModelSpec;
import io.foldopt.cli.train.Problems;
import io.foldopt.cli.train.TrainedModel;
import io.foldopt.experiments.report.Charts;
import io.foldopt.nn.data.Csv;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code foldopt train}: fits a cost model on the user's data for the user's optimization problem. */
@Command(name = "train", sortOptions = false,
        description = {"Trains a model that predicts the cost vector c of an optimization problem from features,"
                + " on rows of a CSV file (features and true costs), with a decision-focused loss or two-stage"
                + " regression, and reports the normalized regret of its decisions on the training and test rows.",
            "Writes to --out: model.json (the trained network, input for 'foldopt predict'), metrics.csv (per epoch:"
                + " loss, train and test regret, seconds) and regret.png. File formats: docs/train.md."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "TRAIN.csv", description = "Training rows: a CSV file"
            + " with a header row.")
    Path data;

    @Option(names = "--features", required = true, split = ",", splitSynopsisLabel = ",", paramLabel = "NAME",
            description = "The feature columns, comma-separated; NAME* stands for every column whose name starts with"
                    + " NAME.")
    List<String> features;

    @Option(names = "--costs", required = true, split = ",", splitSynopsisLabel = ",", paramLabel = "NAME",
            description = "The true cost columns, one per variable of the problem, in its order; NAME* as for"
                    + " --features.")
    List<String> costs;

    @Option(names = "--problem", required = true, paramLabel = "PROBLEM.json|.mps", description = "The problem the"
            + " costs feed: JSON (LP, MIP or QP) or MPS (LP or MIP, free or fixed format).")
    Path problem;

    @Option(names = "--solver", defaultValue = "auto", paramLabel = "auto|ortools|ojalgo", description = "The LP/MIP"
            + " solver: OR-Tools (GLOP, SCIP; the optional foldopt-ortools module), ojAlgo (simplex, branch and bound),"
            + " or auto: OR-Tools when it is available, else ojAlgo (default: ${DEFAULT-VALUE}). A QP is solved by"
            + " foldopt's interior-point solver.")
    String solver;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "The training loss: "
            + "${COMPLETION-CANDIDATES}.", completionCandidates = MethodNames.class)
    String method;

    @Option(names = "--model", defaultValue = "linear", paramLabel = "linear|mlp:H1,H2,..", description = "The"
            + " network: linear, or an MLP with these hidden widths and ReLU (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the training rows (default:"
            + " ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.01", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--batch", defaultValue = "32", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial weights, the row order and"
            + " the loss's sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--samples", defaultValue = "10", description = "pfyl and dpo: perturbations per row and step"
            + " (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--sigma", defaultValue = "1.0", description = "pfyl and dpo: standard deviation of the Gaussian"
            + " perturbations of the costs, in the costs' units (default: ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--lambda", defaultValue = "10", description = "dbb: interpolation strength (default:"
            + " ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--mu", defaultValue = "1.0", description = "folded: weight of the regularizer (mu/2)|w|^2 of the"
            + " relaxed problem (default: ${DEFAULT-VALUE}).")
    double mu;

    @Option(names = "--solve-ratio", defaultValue = "1", paramLabel = "P", description = "nce and cmap: probability"
            + " that a step solves the predicted costs and adds the decisions to the solution pool (default:"
            + " ${DEFAULT-VALUE}).")
    double solveRatio;

    @Option(names = "--test", paramLabel = "TEST.csv", description = "Test rows with the same columns: their"
            + " normalized regret is reported every epoch.")
    Path test;

    @Option(names = "--out", defaultValue = "train-out", paramLabel = "DIR", description = "The output folder"
            + " (default: ${DEFAULT-VALUE}); it must be new or empty unless --force.")
    Path out;

    @Option(names = "--force", description = "Replace the files in a non-empty --out folder.")
    boolean force;

    /** The method names, for the help text. */
    static final class MethodNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        MethodNames() {
            super(Methods.NAMES);
        }
    }

    @Override
    public Integer call() throws IOException {
        Inputs in = check();
        DecisionProblem p = in.problem();
        Oracle oracle = in.solver().oracle();
        Tensor x = Csv.read(data, in.features());
        Tensor c = Csv.read(data, in.costs());
        Tensor xTest = test == null ? null : Csv.read(test, in.features());
        Tensor cTest = test == null ? null : Csv.read(test, in.costs());
        Settings settings = new Settings(method, in.model(), epochs, lr, batch, seed,
                new Methods.LossSettings(samples, sigma, lambda, mu, solveRatio));
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s: %s%n", problem, p.describe());
        o.printf(Locale.ROOT, "solver: %s%n", in.solver().description());
        o.printf(Locale.ROOT, "training %s on %d rows (%d features, %d costs)%s, method %s, %d epochs%n",
                in.model(), x.dim(0), x.dim(1), c.dim(1), test == null ? "" : ", testing on " + xTest.dim(0) + " rows",
                method, epochs);
        o.flush();
        PrintWriter err = spec.commandLine().getErr();
        Result r = DecisionTraining.train(p, oracle, x, c, xTest, cTest, settings, e -> {
            err.printf(Locale.ROOT, "epoch %d/%d: loss %.4g, train regret %.4f%s (%.1f s)%n", e.epoch(), epochs,
                    e.loss(), e.trainRegret(), Double.isNaN(e.testRegret()) ? ""
                            : String.format(Locale.ROOT, ", test regret %.4f", e.testRegret()), e.seconds());
            err.flush();
        });
        TrainedModel.write(out.resolve("model.json"), r.network(), in.features(), in.costs(), settings, problem,
                data, r);
        writeMetrics(r);
        plot(r);
        o.print(table(r));
        o.printf(Locale.ROOT, "wrote %s, %s and %s%n", out.resolve("model.json"), out.resolve("metrics.csv"),
                out.resolve("regret.png"));
        o.flush();
        return 0;
    }

    /** The checked inputs. */
    private record Inputs(List<String> features, List<String> costs, DecisionProblem problem, ModelSpec model,
            Problems.Solver solver) {}

    /** Checks every option and input header before any work, as usage errors naming the option. */
    private Inputs check() {
        OptionChecks.positive(spec, "--epochs", epochs);
        OptionChecks.positiveFinite(spec, "--lr", lr);
        OptionChecks.positive(spec, "--batch", batch);
        OptionChecks.positive(spec, "--samples", samples);
        OptionChecks.positiveFinite(spec, "--sigma", sigma);
        OptionChecks.positiveFinite(spec, "--lambda", lambda);
        OptionChecks.positiveFinite(spec, "--mu", mu);
        OptionChecks.probability(spec, "--solve-ratio", solveRatio);
        if (!Methods.NAMES.contains(method)) {
            throw new ParameterException(spec.commandLine(), "--method " + method + " is not one of "
                    + String.join(", ", Methods.NAMES) + Suggestions.didYouMean(method, Methods.NAMES));
        }
        ModelSpec m;
        try {
            m = ModelSpec.parse(model);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--model: " + e.getMessage());
        }
        List<String> header = DataColumns.header(spec, "--data", data);
        List<String> f = DataColumns.select(spec, "--features", "feature", features, header, data);
        List<String> c = DataColumns.select(spec, "--costs", "cost", costs, header, data);
        DataColumns.disjoint(spec, f, c);
        if (test != null) {
            List<String> testHeader = DataColumns.header(spec, "--test", test);
            DataColumns.present(spec, "--test", f, "feature", testHeader, test);
            DataColumns.present(spec, "--test", c, "cost", testHeader, test);
        }
        DecisionProblem p = ProblemOptions.read(spec, problem);
        if (p.variableCount() != c.size()) {
            throw new ParameterException(spec.commandLine(), "--costs gives " + c.size() + " columns, but " + problem
                    + " has " + p.variableCount() + " variables; give one cost column per variable, in order");
        }
        try {
            Methods.requireApplicable(method, p);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Problems.Solver s = ProblemOptions.solver(spec, p, solver);
        FileChecks.reportFolder(spec, "--out", out, force);
        return new Inputs(f, c, p, m, s);
    }

    private void writeMetrics(Result r) throws IOException {
        List<Epoch> es = new ArrayList<>();
        es.add(new Epoch(0, Double.NaN, r.initialTrainRegret(), r.initialTestRegret(), 0));
        es.addAll(r.epochs());
        double[] d = new double[es.size() * 5];
        for (int i = 0; i < es.size(); i++) {
            Epoch e = es.get(i);
            double[] row = {e.epoch(), e.loss(), e.trainRegret(), e.testRegret(), e.seconds()};
            System.arraycopy(row, 0, d, i * 5, 5);
        }
        Csv.write(out.resolve("metrics.csv"), List.of("epoch", "loss", "train_regret", "test_regret", "seconds"),
                Tensor.wrap(d, es.size(), 5));
    }

    private void plot(Result r) throws IOException {
        int k = r.epochs().size();
        double[] x = new double[k + 1];
        double[] train = new double[k + 1];
        double[] testRegret = new double[k + 1];
        train[0] = r.initialTrainRegret();
        testRegret[0] = r.initialTestRegret();
        for (int i = 0; i < k; i++) {
            x[i + 1] = i + 1;
            train[i + 1] = r.epochs().get(i).trainRegret();
            testRegret[i + 1] = r.epochs().get(i).testRegret();
        }
        List<Charts.Series> series = new ArrayList<>();
        series.add(new Charts.Series("train", x, train));
        if (test != null) {
            series.add(new Charts.Series("test", x, testRegret));
        }
        Charts.lines(out.resolve("regret.png"), "Normalized regret, " + method + ", " + model, "epoch",
                "normalized regret", series);
    }

    /** @return the table of every epoch, or of ten spread over the run and the last */
    private String table(Result r) {
        io.foldopt.cli.format.TextTable t = new io.foldopt.cli.format.TextTable("epoch", "loss", "train regret",
                "test regret", "seconds");
        t.add("0", "", fmt(r.initialTrainRegret()), fmt(r.initialTestRegret()), "");
        int k = r.epochs().size();
        int every = (k + 9) / 10;
        for (int i = 0; i < k; i++) {
            if ((i + 1) % every == 0 || i == k - 1) {
                Epoch e = r.epochs().get(i);
                t.add(Integer.toString(e.epoch()), String.format(Locale.ROOT, "%.4g", e.loss()), fmt(e.trainRegret()),
                        fmt(e.testRegret()), String.format(Locale.ROOT, "%.2f", e.seconds()));
            }
        }
        return t.render();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}
