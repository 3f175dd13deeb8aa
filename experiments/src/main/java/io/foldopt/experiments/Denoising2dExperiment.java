package io.foldopt.experiments;

import io.foldopt.algorithms.DualProximalGradient;
import io.foldopt.algorithms.PrimalDualHybridGradient;
import io.foldopt.algorithms.PrimalTerm;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.denoising2d.CartoonImages;
import io.foldopt.experiments.denoising2d.DenoisingFigures;
import io.foldopt.experiments.denoising2d.FilterBank;
import io.foldopt.experiments.denoising2d.GreyImages;
import io.foldopt.experiments.support.TrainTestSplit;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Parameter;
import io.foldopt.nn.Sequential;
import io.foldopt.operator.LinearOperator;
import io.foldopt.prox.ProximalOperator;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.WeakHashMap;
import java.util.stream.Stream;

/**
 * Learned total-variation-like denoising of 2-D images with a learned analysis operator: from noisy/clean pairs of
 * {@code s x s} grey-scale images, learn the filters {@code D_k} and weights {@code lambda_k} of
 *
 * <pre>
 *   x*(y) = argmin_x 1/2 ||x - y||^2 + sum_{k=1..4} lambda_k H_{eps lambda_k}(D_k x),   eps = 0.03,
 * </pre>
 *
 * where {@code H_mu} sums the Huber function {@code z^2 / (2 mu)} for {@code |z| <= mu}, {@code |z| - mu / 2} beyond,
 * over the entries: {@code ||.||_1} smoothed at a threshold far below the image's edges (its conjugate is that of
 * {@code lambda_k ||.||_1} plus {@code eps/2 ||y||^2}, {@link ProximalOperator#plusHalfSquaredNorm}). The smoothing
 * makes the dual solution unique, so the folded backward system {@code (I - Phi)^T v = g} is nonsingular and
 * GMRES converges in about a hundred iterations at 64 x 64; without it the four filters' dual is far from unique and
 * the system singular. The filters and weights are learned by minimizing the mean squared error to the clean images,
 * which is also the test metric (lower is better). The {@code D_k} are four normalized zero-mean 3 x 3 filters
 * ({@link FilterBank}: {@code ||D_k|| <= 2} whatever their weights, so {@code ||D|| <= 4}), starting at the forward differences right, down, down-right and down-left
 * (anisotropic TV with diagonal differences); {@code lambda = exp(theta)} keeps the weights positive. The learned
 * methods start at the two-stage weight in every direction, so each starts where two-stage ends. The model is the
 * identity (an empty {@link Sequential}); all learning is in the layer.
 *
 * <p>Methods:
 *
 * <ul>
 *   <li>{@code folded-pdhg}: {@link PrimalDualHybridGradient} with steps from the fixed bound {@code ||D|| <= 4}
 *       (valid for every filter the training reaches, no norm estimate; primal weight 0.1), PDHG forward, its step
 *       folded, the filters and {@code lambda} captured;
 *   <li>{@code folded-dpg}: {@link DualProximalGradient} (FDPG forward; its step {@code 1 / L} from a power-iteration
 *       estimate of {@code ||D||^2} made each time the layer is built, that is for the current filters), its step
 *       folded; it computes the same gradient of the same solution map as folded PDHG, so both train alike and
 *       differ in time;
 *   <li>{@code unrolled-pdhg}: the PDHG step recorded {@code K} times from zero (K = 30 small, 60 paper) and
 *       backpropagated through: it learns through a truncated map that is far from the solution at image sizes;
 *   <li>{@code two-stage}: the forward differences with one weight for all four, hand-tuned by grid search (0.01 to
 *       0.24) for the least training MSE, or given by the setting {@code weight} (which skips the grid search);
 *       nothing is learned; its training loss is the training MSE of that fixed denoiser.
 * </ul>
 *
 * <p>The folded layers solve to a fixed-point residual of {@code 1e-6} and their backward systems with the
 * configured solver (GMRES by default, at most 5000 iterations, failures flagged in the report).
 *
 * <p>Data (settings): {@code images=cartoon} (the default) generates {@code count} (6 small, 3 paper)
 * {@link CartoonImages} with the aspect ratio {@code aspect} (8 by default: wide, flat shapes, so the clean images
 * change far more often vertically than horizontally, and one weight for all directions over-smooths some and
 * under-smooths others); any other value is a PNG, JPEG, GIF, BMP or PGM file or a folder of them, cut into
 * {@code s x s} tiles ({@link GreyImages}), the first {@code count} used. Noise {@code N(0, 0.1^2)} is added to every
 * pixel with the seed. Two thirds of the images (at least one) train, the rest test. {@code pixels} is the side
 * {@code s}: 64 small, 256 paper, at most 4096. {@code methods} runs a subset of the methods (for large images, where
 * unrolling does not fit in memory).
 *
 * <p>{@link #writeCharts} adds to the report {@code filters.png} (the starting and each method's learned filters,
 * with their weights) and the first test image as {@code test_image_noisy.png}, {@code test_image_clean.png},
 * {@code test_image_METHOD.png} (denoised by each method) and {@code test_image_triple.png} (noisy, denoised by the
 * first method, clean).
 */
public final class Denoising2dExperiment implements Experiment {
    /** The setting {@code pixels}: the image side. */
    static final Setting PIXELS = Setting.integer("pixels", "image side s (s x s images; 64 small, 256 paper)", 8);
    /** The setting {@code count}: the number of images. */
    static final Setting COUNT = Setting.integer("count", "number of images (two thirds train, the rest test)", 2);
    /** The setting {@code aspect}: the generated shapes' aspect ratio. */
    static final Setting ASPECT = Setting.integer("aspect", "width over height of the generated shapes (1 is"
            + " isotropic)", 1);
    /** The setting {@code images}: generated or read from a file or folder. */
    static final Setting IMAGES = new Setting("images", "'cartoon' (generated) or a PNG/JPEG/GIF/BMP/PGM file or"
            + " folder, cut into s x s tiles", text -> {
                if (text.isBlank()) {
                    throw new IllegalArgumentException("images must be 'cartoon' or a file or folder, got ''");
                }
                return text;
            });
    /** The method names, in report order. */
    private static final List<String> METHODS = List.of("folded-pdhg", "folded-dpg", "unrolled-pdhg", "two-stage");
    /** The setting {@code methods}: which methods run. */
    static final Setting METHODS_SETTING = new Setting("methods", "'all' or a comma-separated list of "
            + String.join(", ", METHODS), Denoising2dExperiment::methods);
    private static final String GRID_SEARCH = "grid";
    /** The setting {@code weight}: two-stage's weight, or {@code grid} to find it by grid search. */
    static final Setting WEIGHT = new Setting("weight", "two-stage's TV weight, where the learned methods start:"
            + " 'grid' (grid search on the training images) or a positive number (no grid search)",
            Denoising2dExperiment::weight);
    private static final String ALL = "all";
    private static final String CARTOON = "cartoon";
    private static final int MAX_SIDE = 4096;
    private static final double NOISE = 0.1;
    private static final double SOLVE_TOL = 1e-6;
    private static final int SOLVE_ITERATIONS = 200_000;
    private static final int BACKWARD_ITERATIONS = 5000;
    private static final double[] GRID = {0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.12, 0.16, 0.24};
    private static final String METRIC = "mse";
    private static final double PRIMAL_WEIGHT = 0.1;
    /**
     * The weight {@code eps} of {@code eps/2 ||y||^2} added to the conjugate of the penalty: each
     * {@code lambda_k |(D_k x)_p|} becomes its Huber smoothing with threshold {@code eps lambda_k}, the dual
     * solution is unique and the folded backward system nonsingular.
     */
    private static final double SMOOTHING = 0.03;
    private static final Tensor START_FILTERS = FilterBank.differences();
    private static final int FILTERS = START_FILTERS.dim(0);

    /** The figures of each run's result, for {@link #writeCharts}; dropped with the result. */
    private final Map<ExperimentResult, Figures> figures = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public String name() {
        return "denoising-2d";
    }

    @Override
    public String description() {
        return "learned 3x3 analysis filters and weights of 2-D TV on images: folded PDHG and DPG vs unrolled PDHG"
                + " vs grid-searched TV, test MSE";
    }

    /** @return {@code pixels}, {@code count}, {@code aspect}, {@code images}, {@code methods} and {@code weight} */
    @Override
    public List<Setting> settings() {
        return List.of(PIXELS, COUNT, ASPECT, IMAGES, METHODS_SETTING, WEIGHT);
    }

    /**
     * @return {@code all}, or the comma-separated method names of {@code text} in report order, without spaces
     * @throws IllegalArgumentException naming an unknown method
     */
    private static String methods(String text) {
        if (text.trim().equals(ALL)) {
            return ALL;
        }
        List<String> names = Arrays.stream(text.split(",")).map(String::trim).toList();
        for (String n : names) {
            if (!METHODS.contains(n)) {
                throw new IllegalArgumentException("methods: unknown method '" + n + "'; the methods: " + ALL + " or "
                        + String.join(", ", METHODS));
            }
        }
        return String.join(",", METHODS.stream().filter(names::contains).toList());
    }

    /**
     * @return {@code grid}, or the positive finite number {@code text} stands for
     * @throws IllegalArgumentException naming the setting and the value
     */
    private static Object weight(String text) {
        if (text.trim().equals(GRID_SEARCH)) {
            return GRID_SEARCH;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("weight must be 'grid' or a positive number, got '" + text + "'");
    }

    @Override
    public ExperimentConfig defaults(Size size) {
        boolean small = size == Size.SMALL;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(PIXELS.name(), small ? 64 : 256);
        settings.put(COUNT.name(), small ? 6 : 3);
        settings.put(ASPECT.name(), 8);
        settings.put(IMAGES.name(), CARTOON);
        settings.put(METHODS_SETTING.name(), ALL);
        settings.put(WEIGHT.name(), GRID_SEARCH);
        return new ExperimentConfig(size, 3, 1, small ? 0.05 : 0.02, BatchedLinearSolver.GMRES, 1e-6, 0,
                settings);
    }

    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        return prepare(config).spec();
    }

    /** Trains every method, then keeps the filters and the denoised first test image for {@link #writeCharts}. */
    @Override
    public ExperimentResult run(ExperimentConfig config, Progress progress) {
        Prepared p = prepare(config);
        ExperimentResult result = TrainingRun.run(p.spec(), config, progress);
        Tensor noisy = p.test().features();
        int s = p.side();
        Tensor first = Tensor.wrap(Arrays.copyOf(noisy.data(), s * s), 1, s * s);
        Map<String, double[]> denoised = new LinkedHashMap<>();
        List<DenoisingFigures.Bank> banks = new ArrayList<>();
        banks.add(new DenoisingFigures.Bank("start", filterValues(Var.constant(START_FILTERS)),
                Tensor.full(p.weight(), FILTERS).data()));
        for (Method m : p.spec().methods()) {
            Denoiser d = (Denoiser) m;
            denoised.put(m.name(), GradMode.noGrad(() -> d.denoise(Var.constant(first)).value().data()));
            if (d instanceof Learned l) {
                banks.add(new DenoisingFigures.Bank(m.name(), filterValues(l.filters.var()),
                        l.theta.value().map(Math::exp).data()));
            }
        }
        figures.put(result, new Figures(s, first.data(), Arrays.copyOf(p.test().targets().data(), s * s), denoised,
                banks));
        return result;
    }

    /** @return the normalized filters {@code (K, 3, 3)} of raw weights, flat */
    private static double[] filterValues(Var raw) {
        return GradMode.noGrad(() -> FilterBank.normalized(raw).value().data());
    }

    /**
     * Writes {@code filters.png} and the {@code test_image_*.png} files (class comment) of a result of {@link #run}
     * on this instance; nothing for another result.
     */
    @Override
    public void writeCharts(ExperimentResult result, Path dir) throws IOException {
        Figures f = figures.get(result);
        if (f == null) {
            return;
        }
        DenoisingFigures.filters(dir.resolve("filters.png"), f.banks());
        DenoisingFigures.image(dir.resolve("test_image_noisy.png"), f.noisy(), f.side());
        DenoisingFigures.image(dir.resolve("test_image_clean.png"), f.clean(), f.side());
        for (Map.Entry<String, double[]> e : f.denoised().entrySet()) {
            DenoisingFigures.image(dir.resolve("test_image_" + e.getKey() + ".png"), e.getValue(), f.side());
        }
        if (!f.denoised().isEmpty()) {
            DenoisingFigures.triple(dir.resolve("test_image_triple.png"), f.noisy(),
                    f.denoised().values().iterator().next(), f.clean(), f.side());
        }
    }

    /** What {@link #writeCharts} draws: the first test image, its denoised versions, and the filters. */
    private record Figures(int side, double[] noisy, double[] clean, Map<String, double[]> denoised,
            List<DenoisingFigures.Bank> banks) {}

    /** The data and methods of a run. */
    private record Prepared(TrainingRun.Spec spec, Dataset test, int side, double weight) {}

    private Prepared prepare(ExperimentConfig config) {
        int s = config.intSetting(PIXELS.name());
        if (s > MAX_SIDE) {
            throw new IllegalArgumentException("pixels must be an integer in [8, " + MAX_SIDE + "], got " + s);
        }
        Tensor[] pair = data(config, s);
        int count = pair[0].dim(0);
        TrainTestSplit split = TrainTestSplit.of(Math.max(1, count * 2 / 3), pair[0], pair[1]);
        FoldOptions options = FoldOptions.defaults().withSolver(config.backward()).withTolerance(config.tolerance())
                .withMaxIterations(BACKWARD_ITERATIONS).withOnFailure(FailurePolicy.FLAG);
        Object given = config.settings().getOrDefault(WEIGHT.name(), GRID_SEARCH);
        double weight = given instanceof Double w ? w : gridSearch(s, split.train());
        TwoStage twoStage = new TwoStage(s, weight, split.train());
        Tensor theta = Tensor.full(Math.log(weight), FILTERS);
        int steps = config.size() == Size.SMALL ? 30 : 60;
        String chosen = String.valueOf(config.settings().getOrDefault(METHODS_SETTING.name(), ALL));
        List<Method> methods = Stream.<Method>of(
                new Learned(METHODS.get(0), s, theta, Kind.FOLDED_PDHG, options, steps),
                new Learned(METHODS.get(1), s, theta, Kind.FOLDED_DPG, options, steps),
                new Learned(METHODS.get(2), s, theta, Kind.UNROLLED_PDHG, options, steps), twoStage)
                .filter(m -> chosen.equals(ALL) || List.of(chosen.split(",")).contains(m.name())).toList();
        TrainingRun.Spec spec = new TrainingRun.Spec(name(), METRIC, true, split.train(), Sequential::new, methods,
                (model, method) -> ((Denoiser) method).mse(split.test()));
        return new Prepared(spec, split.test(), s, weight);
    }

    /** @return noisy and clean images {@code (N, s^2)}, generated or read */
    private static Tensor[] data(ExperimentConfig config, int s) {
        int count = config.intSetting(COUNT.name());
        Object images = config.settings().get(IMAGES.name());
        if (images == null || CARTOON.equals(images)) {
            CartoonImages c = CartoonImages.generate(count, s, s, NOISE, config.intSetting(ASPECT.name()),
                    config.seed());
            return new Tensor[] {c.noisy(), c.clean()};
        }
        Tensor tiles = GreyImages.tiles(Path.of(images.toString()), s);
        if (tiles.dim(0) < 2) {
            throw new IllegalArgumentException("denoising-2d: " + images + " gives " + tiles.dim(0) + " tile of "
                    + s + " x " + s + " pixels; at least 2 are needed (training and test): use a smaller pixels"
                    + " setting or more images");
        }
        int used = Math.min(count, tiles.dim(0));
        Tensor clean = Tensor.wrap(Arrays.copyOf(tiles.data(), used * s * s), used, s * s);
        SplittableRandom rng = new SplittableRandom(config.seed());
        Tensor noisy = clean.map(v -> v + NOISE * rng.nextGaussian());
        return new Tensor[] {noisy, clean};
    }

    /** @return the weight of {@link #GRID} with the least training MSE for the forward differences */
    private static double gridSearch(int side, Dataset train) {
        double best = GRID[0];
        double bestMse = Double.POSITIVE_INFINITY;
        for (double lambda : GRID) {
            double m = new TwoStage(side, lambda, null).mse(train);
            if (m < bestMse) {
                best = lambda;
                bestMse = m;
            }
        }
        return best;
    }

    /** How a method solves the layer. */
    enum Kind {
        FOLDED_PDHG, FOLDED_DPG, UNROLLED_PDHG
    }

    /**
     * The denoising layer {@code y -> x*(y)} with the filters of raw weights {@code filters} ({@link FilterBank}) and
     * the weights {@code lambda (K)}, solved as {@code kind} says (a folded layer's forward solve to the fixed-point
     * residual {@code tol}, kept in {@code last} for its backward report).
     */
    static Var layer(Var y, int side, Var filters, Var lambda, Kind kind, FoldOptions options, int steps, double tol,
            FoldedLayer[] last) {
        LinearOperator d = FilterBank.operator(side, filters);
        int[] blocks = new int[filters.dim(0)];
        Arrays.fill(blocks, side * side);
        ProximalOperator gStar = PrimalDualHybridGradient.weightedL1Conjugate(lambda, blocks)
                .plusHalfSquaredNorm(SMOOTHING);
        if (kind == Kind.FOLDED_DPG) {
            DualProximalGradient dpg = new DualProximalGradient(d, gStar);
            last[0] = new FoldedLayer(dpg.solver(tol, SOLVE_ITERATIONS), dpg.updateMap(), options);
            return dpg.output(last[0].apply(y));
        }
        PrimalDualHybridGradient pdhg = new PrimalDualHybridGradient(d, PrimalTerm.squaredDistance(), gStar,
                FilterBank.normBound(blocks.length), PRIMAL_WEIGHT);
        if (kind == Kind.UNROLLED_PDHG) {
            int dim = pdhg.stateDim();
            return pdhg.output(new UnrolledLayer(pdhg.updateMap(), p -> Tensor.zeros(p[0].dim(0), dim), steps)
                    .apply(y));
        }
        last[0] = new FoldedLayer(pdhg.solver(tol, SOLVE_ITERATIONS), pdhg.updateMap(), options);
        return pdhg.output(last[0].apply(y));
    }

    /** A method: a denoising layer applied to the noisy images (the identity model's prediction). */
    private interface Denoiser extends Method {
        /** @return the denoised images {@code (B, s^2)} */
        Var denoise(Var y);

        /** @return the mean squared error of the denoised images of {@code data} to its clean images */
        default double mse(Dataset data) {
            Tensor x = GradMode.noGrad(() -> denoise(Var.constant(data.features())).value());
            return Losses.mse(Var.constant(x), Var.constant(data.targets())).item();
        }
    }

    /** {@code two-stage}: the forward differences with one fixed weight for all directions, solved by FDPG. */
    private static final class TwoStage implements Denoiser {
        private final int side;
        private final Var weights;
        private final Dataset train;
        private double trainMse = Double.NaN;

        /** @param train the training set, whose MSE is the training loss (null when it is not needed) */
        TwoStage(int side, double lambda, Dataset train) {
            this.side = side;
            this.weights = Var.constant(Tensor.full(lambda, FILTERS));
            this.train = train;
        }

        @Override
        public String name() {
            return METHODS.get(3);
        }

        @Override
        public Var denoise(Var y) {
            return layer(y, side, Var.constant(START_FILTERS), weights, Kind.FOLDED_DPG, FoldOptions.defaults(), 0,
                    SOLVE_TOL, new FoldedLayer[1]);
        }

        /** @return the training MSE of the fixed denoiser over the whole training set (nothing is learned) */
        @Override
        public Var loss(Var prediction, Dataset batch, LayerStats stats) {
            if (Double.isNaN(trainMse)) {
                trainMse = mse(train);
            }
            return Var.scalar(trainMse);
        }
    }

    /** A learned denoiser: the raw filter weights and the log-weights {@code theta = log lambda}, on the MSE. */
    private static final class Learned implements Denoiser {
        private final String name;
        private final int side;
        private final Parameter theta;
        private final Parameter filters;
        private final Kind kind;
        private final FoldOptions options;
        private final int steps;
        private final FoldedLayer[] last = new FoldedLayer[1];

        Learned(String name, int side, Tensor theta, Kind kind, FoldOptions options, int steps) {
            this.name = name;
            this.side = side;
            this.theta = new Parameter("log_lambda", theta);
            this.filters = new Parameter("filters", FilterBank.differences());
            this.kind = kind;
            this.options = options;
            this.steps = steps;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Var denoise(Var y) {
            return layer(y, side, filters.var(), theta.var().exp(), kind, options, steps, SOLVE_TOL, last);
        }

        @Override
        public Var loss(Var prediction, Dataset batch, LayerStats stats) {
            Var x = stats.forward(theta.var(), t -> layer(prediction, side, filters.var(), t.exp(), kind, options,
                    steps, SOLVE_TOL, last), this::report);
            return Losses.mse(x, Var.constant(batch.targets()));
        }

        private BackwardReport report() {
            return last[0] == null ? null : last[0].lastReport();
        }

        @Override
        public List<Parameter> extraParameters() {
            return List.of(theta, filters);
        }
    }
}
