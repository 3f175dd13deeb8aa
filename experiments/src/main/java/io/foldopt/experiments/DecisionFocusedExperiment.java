package io.foldopt.experiments;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.report.Charts;
import io.foldopt.experiments.support.LossMethod;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Linear;
import io.foldopt.nn.dfl.BlackBox;
import io.foldopt.nn.dfl.DecisionBatch;
import io.foldopt.nn.dfl.DecisionLoss;
import io.foldopt.nn.dfl.FoldedRegularizedLp;
import io.foldopt.nn.dfl.NoiseContrastive;
import io.foldopt.nn.dfl.Oracle;
import io.foldopt.nn.dfl.PerturbedFenchelYoung;
import io.foldopt.nn.dfl.PerturbedOptimizer;
import io.foldopt.nn.dfl.Regret;
import io.foldopt.nn.dfl.SolutionPool;
import io.foldopt.nn.dfl.SpoPlus;
import io.foldopt.nn.dfl.TwoStage;
import io.foldopt.fold.FoldOptions;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A PyEPO-style predict-then-optimize benchmark: a linear model {@code c_hat = W x + b} predicts the cost vector of a
 * linear problem {@code min_{w ∈ S} c^T w} from {@code p} features, trained with each decision-focused loss
 * ({@code spo+}, {@code pfyl}, {@code dbb}, {@code dpo}, {@code nce}, {@code cmap}, {@code folded}) and with
 * {@code two-stage} (least squares on the costs), for every polynomial degree {@code deg} and noise half-width
 * {@code noise} of the data generator. The test metric is the normalized regret {@code Σ (c^T w*(c_hat) - z*(c)) / Σ |z*(c)|} on held-out samples
 * ({@link Regret}).
 *
 * <p>Losses: SPO+; perturbed Fenchel-Young and the perturbed optimizer (squared distance of the smoothed decision to
 * the true one) with {@value #SAMPLES} Gaussian draws of scale {@value #SIGMA}; the black-box interpolation with
 * {@code lambda =} {@value #LAMBDA} on the regret; the noise-contrastive losses {@code nce} (mean contrast) and
 * {@code cmap} (largest contrast) against a pool of solutions that starts from the training set's optimal decisions
 * and gains the decisions for the predicted costs at every step; the folded regret of the LP regularized by
 * {@code (mu / 2) ||w||^2}, {@code mu =} {@value #MU}, over the problem's LP relaxation. Every method starts from the
 * same initialization and sees the same minibatches.
 *
 * <p>The run is a sweep: one training per method and per setting {@code (deg, noise)}; its results are named
 * {@code METHOD deg=D noise=W}. {@link #summary} prints the regret by method and degree, and the seconds per epoch;
 * {@link #writeCharts} draws the regret against the degree, one chart per noise level.
 */
public abstract class DecisionFocusedExperiment implements Experiment {
    /** Draws per instance of the perturbed losses. */
    static final int SAMPLES = 10;
    /** Noise scale of the perturbed losses. */
    static final double SIGMA = 1.0;
    /** Interpolation strength of the black-box loss. */
    static final double LAMBDA = 10.0;
    /** Regularization weight of the folded loss. */
    static final double MU = 0.5;
    private static final String METRIC = "normalized_regret";
    private static final List<String> METHODS = List.of("two-stage", "spo+", "pfyl", "dbb", "dpo", "nce",
            "cmap", "folded");

    private static final Setting DEGREES = new Setting("deg", "polynomial degrees of the data, comma-separated"
            + " integers >= 1 (a sweep)", text -> parseList("deg", text, s -> {
                int v = Integer.parseInt(s);
                if (v < 1) {
                    throw new NumberFormatException();
                }
                return v;
            }));
    private static final Setting NOISES = new Setting("noise", "noise half-widths of the data, comma-separated, each"
            + " in [0, 1) (a sweep)", text -> parseList("noise", text, s -> {
                double v = Double.parseDouble(s);
                if (!(v >= 0 && v < 1)) {
                    throw new NumberFormatException();
                }
                return v;
            }));
    private static final Setting METHOD_LIST = new Setting("methods", "methods to train, comma-separated, from "
            + String.join(", ", METHODS), text -> parseList("methods", text, s -> {
                if (!METHODS.contains(s)) {
                    throw new NumberFormatException();
                }
                return s;
            }));
    private static final Setting TRAIN = Setting.integer("train", "training samples per setting", 1);
    private static final Setting TEST = Setting.integer("test", "test samples per setting", 1);
    private static final Setting FEATURES = Setting.integer("features", "number p of features", 1);

    /**
     * A problem and its data at one setting, in minimization form.
     *
     * @param oracle the problem's exact oracle
     * @param relaxation its LP relaxation (for the folded loss)
     * @param features the features {@code (N, p)}
     * @param costs the costs {@code (N, n)} of the minimization
     * @param sign {@code 1} if the model predicts the costs, {@code -1} if it predicts their negation (the values of
     *     a maximization)
     */
    protected record Problem(Oracle oracle, Polyhedron relaxation, Tensor features, Tensor costs, double sign) {}

    /**
     * @param samples number of samples (training and test)
     * @param features number of features
     * @param deg the polynomial degree
     * @param noise the noise half-width
     * @param seed the seed of the data
     * @return the problem and its data
     */
    protected abstract Problem generate(int samples, int features, int deg, double noise, long seed);

    @Override
    public List<Setting> settings() {
        return List.of(DEGREES, NOISES, METHOD_LIST, TRAIN, TEST, FEATURES);
    }

    /**
     * Defaults: Adam with learning rate 0.01 (PyEPO's), minibatches of 32, 10 epochs; SMALL trains on 100 samples,
     * PAPER on 1000.
     */
    @Override
    public ExperimentConfig defaults(Size size) {
        boolean small = size == Size.SMALL;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(DEGREES.name(), List.of(1, 2, 4, 6));
        settings.put(NOISES.name(), List.of(0.0, 0.5));
        settings.put(METHOD_LIST.name(), METHODS);
        settings.put(TRAIN.name(), small ? 100 : 1000);
        settings.put(TEST.name(), small ? 200 : 1000);
        settings.put(FEATURES.name(), 5);
        return new ExperimentConfig(size, 10, 32, 0.01, BatchedLinearSolver.LFPI, 1e-8, 0)
                .withSettings(settings);
    }

    /** One setting of the sweep: its data and its methods. */
    private record Cell(String label, Dataset train, Tensor testFeatures, DecisionBatch test, Oracle oracle,
            double sign, List<Method> methods) {}

    private List<Cell> cells(ExperimentConfig config) {
        int train = config.intSetting(TRAIN.name());
        int test = config.intSetting(TEST.name());
        int p = config.intSetting(FEATURES.name());
        List<Cell> cells = new ArrayList<>();
        for (double noise : list(config, NOISES, Double.class)) {
            for (int deg : list(config, DEGREES, Integer.class)) {
                Problem problem = generate(train + test, p, deg, noise, config.seed());
                String label = String.format(Locale.ROOT, "deg=%d noise=%s", deg, noise);
                DecisionBatch all = DecisionBatch.solve(problem.oracle(), problem.costs());
                DecisionBatch fit = all.slice(0, train);
                Dataset trainSet = new Dataset(rows(problem.features(), 0, train), fit.costs(), fit.decisions(),
                        fit.values());
                List<Method> methods = new ArrayList<>();
                for (String name : list(config, METHOD_LIST, String.class)) {
                    DecisionLoss loss = loss(name, problem, fit.decisions(), config);
                    Supplier<io.foldopt.fold.BackwardReport> report = loss instanceof FoldedRegularizedLp f
                            ? f::lastReport : null;
                    double sign = problem.sign();
                    methods.add(new LossMethod(name + " " + label, (prediction, batch, stats) -> {
                        DecisionBatch truth = new DecisionBatch(batch.get(1), batch.get(2), batch.get(3));
                        Function<Var, Var> apply = c -> loss.apply(sign < 0 ? c.neg() : c, truth);
                        return stats.forward(prediction, apply, report);
                    }));
                }
                cells.add(new Cell(label, trainSet, rows(problem.features(), train, train + test),
                        all.slice(train, train + test), problem.oracle(), problem.sign(), methods));
            }
        }
        return cells;
    }

    private static DecisionLoss loss(String name, Problem problem, Tensor decisions, ExperimentConfig config) {
        Oracle oracle = problem.oracle();
        long seed = config.seed();
        return switch (name) {
            case "two-stage" -> new TwoStage();
            case "spo+" -> new SpoPlus(oracle);
            case "pfyl" -> new PerturbedFenchelYoung(oracle, SAMPLES, SIGMA, seed * 31 + 1);
            case "dbb" -> new BlackBox(oracle, LAMBDA);
            case "dpo" -> new PerturbedOptimizer(oracle, SAMPLES, SIGMA, seed * 31 + 2);
            case "nce" -> NoiseContrastive.nce(oracle, new SolutionPool(decisions), 1, seed * 31 + 3);
            case "cmap" -> NoiseContrastive.map(oracle, new SolutionPool(decisions), 1, seed * 31 + 4);
            case "folded" -> new FoldedRegularizedLp(problem.relaxation(), MU, 1 / MU, FoldOptions.defaults()
                    .withSolver(config.backward()).withTolerance(config.tolerance()), FoldedRegularizedLp.projectionOptions());
            default -> throw new IllegalArgumentException("unknown method '" + name + "'");
        };
    }

    private Supplier<Layer> model(ExperimentConfig config, int n) {
        int p = config.intSetting(FEATURES.name());
        long seed = config.seed() * 31 + 7;
        return () -> new Linear(p, n, new SplittableRandom(seed));
    }

    private TrainingRun.TestMetric metric(List<Cell> cells) {
        return (model, method) -> {
            Cell cell = cells.stream().filter(c -> c.methods().contains(method)).findFirst().orElseThrow();
            Tensor predicted = model.forward(Var.constant(cell.testFeatures())).value();
            return Regret.normalized(cell.oracle(), cell.sign() < 0 ? predicted.map(v -> -v) : predicted,
                    cell.test());
        };
    }

    /** @return every method at every setting, as one specification (for evaluating saved models) */
    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        List<Cell> cells = cells(config);
        List<Method> methods = cells.stream().flatMap(c -> c.methods().stream()).toList();
        return new TrainingRun.Spec(name(), METRIC, true, cells.get(0).train(),
                model(config, cells.get(0).oracle().dimension()), methods, metric(cells));
    }

    /** Trains every method at every setting of the sweep, each setting on its own data. */
    @Override
    public ExperimentResult run(ExperimentConfig config, Progress progress) {
        List<Cell> cells = cells(config);
        int total = cells.stream().mapToInt(c -> c.methods().size()).sum() * config.epochs();
        int[] done = {0};
        List<MethodResult> results = new ArrayList<>();
        for (Cell cell : cells) {
            TrainingRun.Spec spec = new TrainingRun.Spec(name(), METRIC, true, cell.train(),
                    model(config, cell.oracle().dimension()), cell.methods(), metric(cells));
            results.addAll(TrainingRun.run(spec, config, new Progress() {
                @Override
                public void onEpoch(String method, EpochRecord record, int d, int t) {
                    progress.onEpoch(method, record, ++done[0], total);
                }

                @Override
                public void onTrained(Method method, Layer model) {
                    progress.onTrained(method, model);
                }
            }).methods());
        }
        return new ExperimentResult(name(), config, METRIC, true, results);
    }

    /** A result name split into method, degree and noise. */
    private record Entry(String method, int deg, double noise, MethodResult result) {
        static Entry of(MethodResult r) {
            String[] parts = r.method().split(" ");
            return new Entry(parts[0], Integer.parseInt(parts[1].substring(4)), Double.parseDouble(
                    parts[2].substring(6)), r);
        }
    }

    /**
     * @return for each noise level, the test normalized regret after training by method (rows) and degree
     *     (columns), and each method's mean seconds per epoch
     */
    @Override
    public String summary(ExperimentResult result) {
        List<Entry> entries = result.methods().stream().map(Entry::of).toList();
        StringBuilder sb = new StringBuilder();
        for (double noise : entries.stream().map(Entry::noise).distinct().toList()) {
            List<Integer> degrees = entries.stream().filter(e -> e.noise() == noise).map(Entry::deg).distinct()
                    .toList();
            sb.append(String.format(Locale.ROOT, "%nnormalized regret (test), noise half-width %s%n", noise));
            sb.append(String.format(Locale.ROOT, "%-10s", "method"));
            for (int d : degrees) {
                sb.append(String.format(Locale.ROOT, " %9s", "deg " + d));
            }
            sb.append(String.format(Locale.ROOT, " %10s%n", "epoch_s"));
            for (String method : entries.stream().map(Entry::method).distinct().toList()) {
                sb.append(String.format(Locale.ROOT, "%-10s", method));
                double seconds = 0;
                int count = 0;
                for (int d : degrees) {
                    Entry e = entries.stream().filter(x -> x.noise() == noise && x.deg() == d
                            && x.method().equals(method)).findFirst().orElse(null);
                    sb.append(e == null ? String.format(Locale.ROOT, " %9s", "-")
                            : String.format(Locale.ROOT, " %9.4f", e.result().finalTestMetric()));
                    if (e != null) {
                        seconds += e.result().meanEpochSeconds();
                        count++;
                    }
                }
                sb.append(String.format(Locale.ROOT, " %10.3f%n", count == 0 ? 0 : seconds / count));
            }
        }
        return sb.toString();
    }

    /** Writes {@code regret_vs_degree_noise-W.png}: the test regret against the degree, one line per method. */
    @Override
    public void writeCharts(ExperimentResult result, Path dir) throws IOException {
        List<Entry> entries = result.methods().stream().map(Entry::of).toList();
        for (double noise : entries.stream().map(Entry::noise).distinct().toList()) {
            List<Charts.Series> series = new ArrayList<>();
            for (String method : entries.stream().map(Entry::method).distinct().toList()) {
                List<Entry> line = entries.stream().filter(e -> e.noise() == noise && e.method().equals(method))
                        .sorted((a, b) -> Integer.compare(a.deg(), b.deg())).toList();
                series.add(new Charts.Series(method, line.stream().mapToDouble(Entry::deg).toArray(),
                        line.stream().mapToDouble(e -> e.result().finalTestMetric()).toArray()));
            }
            Charts.lines(dir.resolve("regret_vs_degree_noise-" + noise + ".png"), String.format(Locale.ROOT,
                    "%s: normalized regret by degree, noise half-width %s", name(), noise), "polynomial degree",
                    METRIC, series);
        }
    }

    /**
     * @return the comma-separated values of {@code text}, each read by {@code parse} (which throws
     *     {@link NumberFormatException} for a value it does not allow)
     * @throws IllegalArgumentException naming the setting and the value
     */
    private static List<Object> parseList(String setting, String text, Function<String, Object> parse) {
        List<Object> values = new ArrayList<>();
        for (String s : text.split(",")) {
            try {
                values.add(parse.apply(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting + ": '" + s.trim() + "' is not allowed; expected "
                        + Arrays.stream(new Setting[] {DEGREES, NOISES, METHOD_LIST}).filter(x -> x.name()
                        .equals(setting)).findFirst().map(Setting::description).orElse("a list"));
            }
        }
        if (values.isEmpty() || values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException(setting + ": needs distinct values, got '" + text + "'");
        }
        return values;
    }

    private static <T> List<T> list(ExperimentConfig config, Setting setting, Class<T> type) {
        Object v = config.settings().get(setting.name());
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("the configuration has no list setting '" + setting.name() + "'");
        }
        return l.stream().map(type::cast).toList();
    }

    /** @return rows {@code [from, to)} of {@code t (N, k)} */
    private static Tensor rows(Tensor t, int from, int to) {
        int k = t.dim(1);
        return Tensor.wrap(Arrays.copyOfRange(t.data(), from * k, to * k), to - from, k);
    }
}
