package io.foldopt.experiments;

import io.foldopt.algorithms.DualProximalGradient;
import io.foldopt.algorithms.PrimalDualHybridGradient;
import io.foldopt.algorithms.PrimalTerm;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.denoising2d.CartoonImages;
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
import io.foldopt.operator.FiniteDifference2d;
import io.foldopt.prox.ProximalOperator;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Learned total-variation denoising of 2-D images: from noisy/clean pairs of {@code s x s} grey-scale images, learn
 * the per-direction weights {@code lambda = (lambda_h, lambda_v)} of the anisotropic total-variation denoiser
 *
 * <pre>
 *   x*(y) = argmin_x 1/2 ||x - y||^2 + lambda_h ||D_h x||_1 + lambda_v ||D_v x||_1
 * </pre>
 *
 * ({@link FiniteDifference2d}: horizontal and vertical forward differences) by minimizing the mean squared error to
 * the clean images, which is also the test metric (lower is better). {@code lambda = exp(theta)} keeps the weights
 * positive; the learned methods start at the two-stage weight in both directions, so each starts where two-stage
 * ends. The model is the identity (an empty {@link Sequential}); all learning is in the layer.
 *
 * <p>Methods:
 *
 * <ul>
 *   <li>{@code folded-pdhg}: {@link PrimalDualHybridGradient} (steps from {@code ||D|| <= sqrt 8}, primal weight
 *       0.2), PDHG forward, its step folded, {@code lambda} captured;
 *   <li>{@code folded-dpg}: {@link DualProximalGradient} (FDPG forward), its step folded; it computes the same
 *       gradient of the same solution map as folded PDHG, so both train alike and differ in time;
 *   <li>{@code unrolled-pdhg}: the PDHG step recorded {@code K} times from zero (K = 30 small, 60 paper) and
 *       backpropagated through: it learns through a truncated map that is far from the solution at image sizes;
 *   <li>{@code two-stage}: one weight for both directions, hand-tuned by grid search (0.01 to 0.24) for the least
 *       training MSE, without the learning loop; its training loss is the training MSE of that fixed denoiser.
 * </ul>
 *
 * <p>The folded layers solve to a fixed-point residual of {@code 1e-7} and their backward systems with the
 * configured solver (GMRES by default, at most 5000 iterations, failures flagged in the report).
 *
 * <p>Data (settings): {@code images=cartoon} (the default) generates {@code count} (12 small, 6 paper)
 * {@link CartoonImages} with the aspect ratio {@code aspect} (8 by default: wide, flat shapes, so the clean images
 * change far more often vertically than horizontally, and one weight for both directions over-smooths one and
 * under-smooths the other);
 * any other value is a PNG, JPEG, GIF, BMP or PGM file or a folder of them, cut into {@code s x s} tiles
 * ({@link GreyImages}), the first {@code count} used. Noise {@code N(0, 0.1^2)} is added to every pixel with the
 * seed. Two thirds of the images (at least one) train, the rest test. {@code pixels} is the side {@code s}: 64
 * small, 256 paper, at most 4096. {@code methods} runs a subset of the methods (for large images, where unrolling
 * does not fit in memory); the grid search runs in any case, since the learned methods start from its weight.
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
    private static final String ALL = "all";
    private static final String CARTOON = "cartoon";
    private static final int MAX_SIDE = 4096;
    private static final double NOISE = 0.1;
    private static final double SOLVE_TOL = 1e-7;
    private static final int SOLVE_ITERATIONS = 200_000;
    private static final int BACKWARD_ITERATIONS = 5000;
    private static final double[] GRID = {0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.12, 0.16, 0.24};
    private static final String METRIC = "mse";
    private static final double PRIMAL_WEIGHT = 0.2;
    /** A bound on the norm of the 2-D forward differences, {@code ||D||_2 <= sqrt 8}. */
    private static final double GRADIENT_NORM = Math.sqrt(8);

    @Override
    public String name() {
        return "denoising-2d";
    }

    @Override
    public String description() {
        return "learned per-direction 2-D TV weights on images: folded PDHG and DPG vs unrolled PDHG vs"
                + " grid-searched TV, test MSE";
    }

    /** @return {@code pixels}, {@code count}, {@code aspect}, {@code images} and {@code methods} */
    @Override
    public List<Setting> settings() {
        return List.of(PIXELS, COUNT, ASPECT, IMAGES, METHODS_SETTING);
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

    @Override
    public ExperimentConfig defaults(Size size) {
        boolean small = size == Size.SMALL;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(PIXELS.name(), small ? 64 : 256);
        settings.put(COUNT.name(), small ? 12 : 6);
        settings.put(ASPECT.name(), 8);
        settings.put(IMAGES.name(), CARTOON);
        settings.put(METHODS_SETTING.name(), ALL);
        return new ExperimentConfig(size, small ? 4 : 3, small ? 2 : 1, small ? 0.05 : 0.1, BatchedLinearSolver.GMRES,
                1e-6, 0, settings);
    }

    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        int s = config.intSetting(PIXELS.name());
        if (s > MAX_SIDE) {
            throw new IllegalArgumentException("pixels must be an integer in [8, " + MAX_SIDE + "], got " + s);
        }
        Tensor[] pair = data(config, s);
        int count = pair[0].dim(0);
        TrainTestSplit split = TrainTestSplit.of(Math.max(1, count * 2 / 3), pair[0], pair[1]);
        FoldOptions options = FoldOptions.defaults().withSolver(config.backward()).withTolerance(config.tolerance())
                .withMaxIterations(BACKWARD_ITERATIONS).withOnFailure(FailurePolicy.FLAG);
        double[] best = gridSearch(s, split.train());
        Tensor theta = Tensor.vector(Math.log(best[0]), Math.log(best[0]));
        int steps = config.size() == Size.SMALL ? 30 : 60;
        String chosen = String.valueOf(config.settings().getOrDefault(METHODS_SETTING.name(), ALL));
        List<Method> methods = Stream.<Method>of(
                new Learned(METHODS.get(0), s, theta, Kind.FOLDED_PDHG, options, steps),
                new Learned(METHODS.get(1), s, theta, Kind.FOLDED_DPG, options, steps),
                new Learned(METHODS.get(2), s, theta, Kind.UNROLLED_PDHG, options, steps),
                new TwoStage(s, best[0], best[1]))
                .filter(m -> chosen.equals(ALL) || List.of(chosen.split(",")).contains(m.name())).toList();
        return new TrainingRun.Spec(name(), METRIC, true, split.train(), Sequential::new, methods,
                (model, method) -> ((Denoiser) method).mse(split.test()));
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

    /**
     * @return the weight of {@link #GRID} with the least training MSE for anisotropic TV (one weight for both), and
     *     that MSE
     */
    private static double[] gridSearch(int side, Dataset train) {
        double[] best = {GRID[0], Double.POSITIVE_INFINITY};
        for (double lambda : GRID) {
            double m = new TwoStage(side, lambda, Double.NaN).mse(train);
            if (m < best[1]) {
                best = new double[] {lambda, m};
            }
        }
        return best;
    }

    /** How a method solves the layer. */
    private enum Kind {
        FOLDED_PDHG, FOLDED_DPG, UNROLLED_PDHG
    }

    /**
     * A denoising layer {@code y -> x*(y)} of anisotropic TV with the weights {@code lambda = (lambda_h, lambda_v)},
     * solved as {@code kind} says; a folded layer is kept in {@code last} for its backward report.
     */
    private static Var denoise(Var y, int side, Var lambda, Kind kind, FoldOptions options, int steps,
            FoldedLayer[] last) {
        FiniteDifference2d d = new FiniteDifference2d(side, side);
        ProximalOperator gStar = PrimalDualHybridGradient.weightedL1Conjugate(lambda, d.pixels(), d.pixels());
        if (kind == Kind.FOLDED_DPG) {
            DualProximalGradient dpg = new DualProximalGradient(d, gStar);
            last[0] = new FoldedLayer(dpg.solver(SOLVE_TOL, SOLVE_ITERATIONS), dpg.updateMap(), options);
            return dpg.output(last[0].apply(y));
        }
        PrimalDualHybridGradient pdhg = new PrimalDualHybridGradient(d, PrimalTerm.squaredDistance(), gStar,
                GRADIENT_NORM, PRIMAL_WEIGHT);
        if (kind == Kind.UNROLLED_PDHG) {
            int dim = pdhg.stateDim();
            return pdhg.output(new UnrolledLayer(pdhg.updateMap(), p -> Tensor.zeros(p[0].dim(0), dim), steps)
                    .apply(y));
        }
        last[0] = new FoldedLayer(pdhg.solver(SOLVE_TOL, SOLVE_ITERATIONS), pdhg.updateMap(), options);
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

    /** {@code two-stage}: anisotropic TV with one fixed weight for both directions, solved by PDHG. */
    private static final class TwoStage implements Denoiser {
        private final int side;
        private final Var weights;
        private final double trainMse;

        /** @param trainMse the training MSE of the weight {@code lambda} (from the grid search) */
        TwoStage(int side, double lambda, double trainMse) {
            this.side = side;
            this.weights = Var.constant(Tensor.vector(lambda, lambda));
            this.trainMse = trainMse;
        }

        @Override
        public String name() {
            return METHODS.get(3);
        }

        @Override
        public Var denoise(Var y) {
            return Denoising2dExperiment.denoise(y, side, weights, Kind.FOLDED_DPG, FoldOptions.defaults(), 0,
                    new FoldedLayer[1]);
        }

        /** @return the training MSE of the fixed denoiser over the whole training set (nothing is learned) */
        @Override
        public Var loss(Var prediction, Dataset batch, LayerStats stats) {
            return Var.scalar(trainMse);
        }
    }

    /** A learned denoiser: the log-weights {@code theta = log lambda}, trained on the MSE. */
    private static final class Learned implements Denoiser {
        private final String name;
        private final int side;
        private final Parameter theta;
        private final Kind kind;
        private final FoldOptions options;
        private final int steps;
        private final FoldedLayer[] last = new FoldedLayer[1];

        Learned(String name, int side, Tensor theta, Kind kind, FoldOptions options, int steps) {
            this.name = name;
            this.side = side;
            this.theta = new Parameter("log_lambda", theta);
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
            return Denoising2dExperiment.denoise(y, side, theta.var().exp(), kind, options, steps, last);
        }

        @Override
        public Var loss(Var prediction, Dataset batch, LayerStats stats) {
            Var x = stats.forward(theta.var(), t -> Denoising2dExperiment.denoise(prediction, side, t.exp(), kind,
                    options, steps, last), this::report);
            return Losses.mse(x, Var.constant(batch.targets()));
        }

        private BackwardReport report() {
            return last[0] == null ? null : last[0].lastReport();
        }

        @Override
        public List<Parameter> extraParameters() {
            return List.of(theta);
        }
    }
}
