package io.foldopt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.experiments.EpochRecord;
import io.foldopt.experiments.Experiment;
import io.foldopt.experiments.ExperimentConfig;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.ExperimentResult;
import io.foldopt.experiments.Experiments;
import io.foldopt.experiments.Method;
import io.foldopt.experiments.SavedModels;
import io.foldopt.experiments.Setting;
import io.foldopt.experiments.report.Provenance;
import io.foldopt.experiments.report.Report;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Layer;
import io.foldopt.nn.ModelFile;
import io.foldopt.parallel.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code foldopt run EXPERIMENT}: trains and evaluates every method of an experiment and writes its report. */
@Command(name = "run", sortOptions = false,
        description = {"Trains and evaluates every method of EXPERIMENT ('foldopt list' shows them), prints a"
                + " results table and writes a report folder: config.json (settings, foldopt version and commit, JVM,"
                + " OS, threads, start time, command line), metrics.csv (per epoch, per method), summary.json and PNG"
                + " charts (learning curves, the test metric by method, time per epoch).",
            "Every option is checked before training starts. Options left out take the experiment's defaults for"
                + " the size (below)."})
final class RunCommand implements Callable<Integer> {
    private static final String DEFAULTS_SECTION = "experimentDefaults";

    private CommandSpec spec;

    @Parameters(paramLabel = "EXPERIMENT", description = "The experiment's name.")
    String experiment;

    @Option(names = "--size", defaultValue = "small", description = "small (seconds) or paper (default: small).")
    Size size;

    @Option(names = "--epochs", description = "Training epochs per method.")
    Integer epochs;

    @Option(names = "--batch", description = "Minibatch size.")
    Integer batch;

    @Option(names = "--lr", description = "Learning rate.")
    Double lr;

    @Option(names = "--backward", description = "Backward method of the folded layers: lfpi, gmres, bicgstab,"
            + " minres (symmetric Phi only), direct or auto.")
    String backward;

    @Option(names = "--tol", description = "Backward tolerance of the folded layers, in (0, 1).")
    Double tol;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of data, initialization and shuffling"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "An experiment-specific setting, e.g."
            + " --set deg=6 for portfolio (repeatable; the experiment's settings are listed below).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--threads", description = "Worker threads (default: all processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--out", description = "Report folder (default: a new folder reports/EXPERIMENT-DATE-TIME); an"
            + " existing non-empty folder needs --force.")
    Path out;

    @Option(names = "--force", description = "Replace the report in an existing --out folder, and an existing"
            + " --save-model file.")
    boolean force;

    @Option(names = "--save-model", paramLabel = "FILE", description = "Save every method's trained model to FILE"
            + " (JSON: architecture and parameters; 'foldopt eval --model FILE' evaluates it again); an existing FILE"
            + " needs --force.")
    Path saveModel;

    @Option(names = "--json", description = "Print the summary as one JSON object instead of the table.")
    boolean json;

    @Option(names = "--quiet", description = "Print only the results table (or --json's summary): no progress, no"
            + " legend, no report path.")
    boolean quiet;

    /** Keeps the command's spec and adds the experiments' defaults to its help. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.parser().caseInsensitiveEnumValuesAllowed(true);
        UsageMessageSpec usage = spec.usageMessage();
        usage.sectionMap().put(DEFAULTS_SECTION, help -> defaultsHelp());
        List<String> keys = new ArrayList<>(usage.sectionKeys());
        keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), DEFAULTS_SECTION);
        usage.sectionKeys(keys);
    }

    /** @return the defaults of the experiment named on the command line, or of every experiment */
    private String defaultsHelp() {
        List<Experiment> shown = Experiments.byName(experiment == null ? "" : experiment).map(List::of)
                .orElse(Experiments.all());
        StringBuilder sb = new StringBuilder("%nDefaults (size: options):%n".formatted());
        for (Experiment e : shown) {
            sb.append(e.name()).append(System.lineSeparator()).append(ExperimentHelp.defaults(e));
        }
        return sb.toString();
    }

    @Override
    public Integer call() {
        Experiment e = ExperimentHelp.find(experiment, spec.commandLine());
        ExperimentConfig config = config(e);
        OptionChecks.threads(spec, "--threads", threads);
        Path dir = out != null ? out : newReportFolder(e.name());
        FileChecks.reportFolder(spec, "--out", dir, force || out == null);
        if (saveModel != null) {
            FileChecks.newFile(spec, "--save-model", saveModel, force);
        }
        Parallel.setThreads(threads);
        Provenance provenance = Provenance.now(commandLine());

        PrintWriter err = spec.commandLine().getErr();
        Experiment.Progress bar = quiet ? (method, r, done, total) -> {}
                : new ProgressBar(err, System.console() != null);
        List<ModelFile.Model> trained = new ArrayList<>();
        ExperimentResult result = e.run(config, new Experiment.Progress() {
            @Override
            public void onEpoch(String method, EpochRecord record, int done, int total) {
                bar.onEpoch(method, record, done, total);
            }

            @Override
            public void onTrained(Method method, Layer model) {
                trained.add(SavedModels.model(method, model));
            }
        });
        if (saveModel != null) {
            try {
                SavedModels.file(e.name(), config, trained, Map.of("foldopt_version", provenance.version(),
                        "git_commit", provenance.commit(), "start", provenance.start().toString()))
                        .write(saveModel);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write --save-model " + saveModel + ": "
                        + OptionChecks.reason(ex), ex);
            }
        }
        try {
            Report.write(result, provenance, dir);
            e.writeCharts(result, dir);
            PrintWriter stdout = spec.commandLine().getOut();
            if (json) {
                stdout.println(new ObjectMapper().writeValueAsString(Report.summary(result, provenance)));
            } else {
                stdout.print(Report.table(result));
                stdout.print(e.summary(result));
                if (!quiet) {
                    stdout.println();
                    stdout.print(Report.legend(result));
                }
            }
            stdout.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the report to " + dir + ": " + OptionChecks.reason(ex), ex);
        }
        if (!quiet) {
            err.println("report written to " + dir.toAbsolutePath().normalize());
            err.flush();
        }
        return 0;
    }

    private ExperimentConfig config(Experiment e) {
        if (epochs != null) {
            OptionChecks.positive(spec, "--epochs", epochs);
        }
        if (batch != null) {
            OptionChecks.positive(spec, "--batch", batch);
        }
        if (lr != null) {
            OptionChecks.positiveFinite(spec, "--lr", lr);
        }
        if (tol != null) {
            OptionChecks.tolerance(spec, "--tol", tol);
        }
        try {
            ExperimentConfig d = e.defaults(size);
            BatchedLinearSolver method = backward == null ? d.backward() : parseSolver(backward);
            return new ExperimentConfig(size, epochs == null ? d.epochs() : epochs, batch == null ? d.batch() : batch,
                    lr == null ? d.learningRate() : lr, method, tol == null ? d.tolerance() : tol, seed,
                    settings(e, d.settings()));
        } catch (IllegalArgumentException ex) {
            throw new ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }
    }

    /** @return the experiment's default settings with the {@code --set} values in their place */
    private Map<String, Object> settings(Experiment e, Map<String, Object> defaults) {
        Map<String, Object> values = new LinkedHashMap<>(defaults);
        List<String> names = e.settings().stream().map(Setting::name).toList();
        for (Map.Entry<String, String> s : settings.entrySet()) {
            Setting setting = e.settings().stream().filter(x -> x.name().equals(s.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--set " + s.getKey() + ": " + e.name()
                            + (names.isEmpty() ? " has no settings"
                            : " has no setting '" + s.getKey() + "'" + Suggestions.didYouMean(s.getKey(), names)
                            + "; its settings: " + String.join(", ", names))));
            values.put(setting.name(), setting.parse(s.getValue()));
        }
        return values;
    }

    /** @return the command line: {@code foldopt} and the arguments as given */
    private List<String> commandLine() {
        List<String> line = new ArrayList<>(List.of("foldopt"));
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        return line;
    }

    /** @return {@code reports/EXPERIMENT-yyyyMMdd-HHmmss} (with a suffix if that exists already) */
    private static Path newReportFolder(String experiment) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path dir = Path.of("reports", experiment + "-" + stamp);
        for (int k = 2; Files.exists(dir); k++) {
            dir = Path.of("reports", experiment + "-" + stamp + "-" + k);
        }
        return dir;
    }

    private static BatchedLinearSolver parseSolver(String name) {
        try {
            return BatchedLinearSolver.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backward: " + e.getMessage() + Suggestions.didYouMean(name,
                    List.of("lfpi", "gmres", "bicgstab", "direct", "auto")), e);
        }
    }
}
