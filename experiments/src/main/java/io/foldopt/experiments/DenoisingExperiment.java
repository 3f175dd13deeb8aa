package io.foldopt.experiments;

import io.foldopt.algorithms.AdmmQp;
import io.foldopt.algorithms.DualProximalGradient;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.ExperimentConfig.Size;
import io.foldopt.experiments.denoising.PiecewiseConstantSignals;
import io.foldopt.experiments.denoising.TotalVariationQp;
import io.foldopt.experiments.support.TrainTestSplit;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.OptimizationLayer;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Parameter;
import io.foldopt.nn.Sequential;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpOptions;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Learning the operator of total-variation denoising (OptNet's denoising task): from
 * pairs of noisy signals {@code y} and clean signals {@code x_true} ({@link PiecewiseConstantSignals}, noise
 * 0.2), learn {@code D (n - 1, n)} in
 *
 * <pre>
 *   x*(y; D) = argmin_x 1/2 ||x - y||^2 + lambda ||D x||_1,     lambda = 0.3
 * </pre>
 *
 * by minimizing the mean squared error {@code ||x*(y; D) - x_true||^2 / n}, which is also the test metric
 * (lower is better). {@code D} is each method's own {@link Parameter} ({@link Method#extraParameters()}),
 * initialized to the forward-difference operator ({@code (D x)_i = x_{i+1} - x_i}, plain total variation,
 * for which {@code lambda = 0.3} is near the best weight) plus {@code N(0, 0.25 / n)} noise on every entry
 * (a perturbation of norm about 0.5 per row, against {@code sqrt 2} for the row itself), the same draw for
 * every method; learning has to undo the noise and may improve on total variation.
 * {@code lambda} is a fixed constant: the scale of {@code D} already carries the strength of the penalty.
 * The model is the identity (an empty {@link Sequential}: the prediction is the noisy signal); all learning is
 * in {@code D}.
 *
 * <p>Methods (each evaluated on the test set with its own layer):
 *
 * <ul>
 *   <li>{@code folded-dpg}: {@link DualProximalGradient} (FDPG forward on the dual, the plain dual step
 *       folded), {@code D} and {@code lambda} captured.
 *   <li>{@code folded-admm}: {@link AdmmQp} on the equivalent QP ({@link TotalVariationQp}: variables
 *       {@code (x, t)}, {@code min 1/2 ||x - y||^2 + lambda 1^T t s.t. -t <= D x <= t}), {@code D} captured
 *       through the constraint matrix; the forward solver is ADMM itself.
 *   <li>{@code unrolled-admm}: the same ADMM map recorded for {@code K} steps from zero (K = 50 SMALL,
 *       100 PAPER) and backpropagated through.
 *   <li>{@code kkt-qp}: {@link DifferentiableQp} (interior point, KKT-based VJP) on the equivalent QP.
 * </ul>
 *
 * <p>The folded layers use the configured backward method (AUTO by default: DIRECT for SMALL's DPG state
 * {@code (y, x)} of {@code 2n - 1 = 47}, GMRES for the ADMM state {@code (x, t, z, y)} of {@code n + 5(n - 1)}
 * and for PAPER's DPG) and are rebuilt for every minibatch, since DPG's step {@code 1 / ||D||^2} and ADMM's
 * factorization depend on {@code D}; forward solves run to a fixed-point residual of {@code 1e-10}, ADMM with
 * {@code rho = 1}, {@code sigma = 1e-6}. Folded DPG, folded ADMM and the KKT differentiation compute the same
 * exact gradient of the same solution map, so they follow the same training trajectory and differ only in
 * time; unrolled ADMM learns through the {@code K}-step map from zero, close to but not at the solution.
 *
 * <p>Sizes: SMALL has {@code n = 24} and 64 signals; PAPER OptNet's {@code n = 100} with 200 signals; both
 * split 3/4 for training.
 */
public final class DenoisingExperiment implements Experiment {
    private static final double LAMBDA = 0.3;
    private static final double NOISE = 0.2;
    /** The norm of the initial perturbation of each row of {@code D}. */
    private static final double INIT_NOISE = 0.5;
    private static final double ADMM_RHO = 1.0;
    private static final double ADMM_SIGMA = 1e-6;
    private static final double SOLVE_TOL = 1e-10;
    private static final int SOLVE_ITERATIONS = 1_000_000;
    private static final String METRIC = "mse";

    @Override
    public String name() {
        return "denoising";
    }

    @Override
    public String description() {
        return "learned total-variation denoising operator D: folded DPG and ADMM vs unrolled ADMM vs KKT of the"
                + " QP, test MSE";
    }

    @Override
    public ExperimentConfig defaults(Size size) {
        return size == Size.SMALL
                ? new ExperimentConfig(size, 10, 8, 0.01, BatchedLinearSolver.AUTO, 1e-8, 0)
                : new ExperimentConfig(size, 10, 10, 0.005, BatchedLinearSolver.AUTO, 1e-8, 0);
    }

    @Override
    public TrainingRun.Spec setup(ExperimentConfig config) {
        boolean small = config.size() == Size.SMALL;
        int n = small ? 24 : 100;
        int signals = small ? 64 : 200;
        int unrolledSteps = small ? 50 : 100;
        PiecewiseConstantSignals data = PiecewiseConstantSignals.generate(signals, n, NOISE, config.seed());
        TrainTestSplit split = TrainTestSplit.of(signals * 3 / 4, data.noisy(), data.clean());
        Tensor initial = initialOperator(n, config.seed() * 31 + 11);
        TotalVariationQp qp = new TotalVariationQp(n, n - 1, LAMBDA);
        FoldOptions options = FoldOptions.defaults().withSolver(config.backward()).withTolerance(config.tolerance())
                .withOnFailure(FailurePolicy.FLAG);
        List<Method> methods = List.of(
                new FoldedDpg(initial, options),
                new FoldedAdmm(initial, qp, options),
                new UnrolledAdmm(initial, qp, unrolledSteps),
                new KktQp(initial, qp));
        return new TrainingRun.Spec(name(), METRIC, true, split.train(), Sequential::new, methods,
                (model, method) -> ((Denoiser) method).testMse(split.test()));
    }

    /** @return the forward-difference operator {@code (n - 1, n)} plus {@code N(0, INIT_NOISE^2 / n)} noise */
    static Tensor initialOperator(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] d = new double[(n - 1) * n];
        for (int i = 0; i < n - 1; i++) {
            d[i * n + i] = -1.0;
            d[i * n + i + 1] = 1.0;
        }
        double std = INIT_NOISE / Math.sqrt(n);
        for (int i = 0; i < d.length; i++) {
            d[i] += std * rng.nextGaussian();
        }
        return Tensor.wrap(d, n - 1, n);
    }

    /**
     * A method: a denoising layer {@code x*(y; D)} with its own learned {@code D}, trained on the mean squared
     * error to the clean signals. The layer is timed through {@link LayerStats} with {@code D} as its tapped
     * input (the noisy signal needs no gradient).
     */
    private abstract static class Denoiser implements Method {
        private final String name;
        private final Parameter operator;

        Denoiser(String name, Tensor initial) {
            this.name = name;
            this.operator = new Parameter("D", initial);
        }

        /** @return {@code x*(y; d) (B, n)}, recorded in {@code d} */
        abstract Var denoise(Var y, Var d);

        /** @return the report of the layer's last backward pass, or null if the layer has none */
        BackwardReport report() {
            return null;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Var loss(Var prediction, Dataset batch, LayerStats stats) {
            Var x = stats.forward(operator.var(), d -> denoise(prediction, d), this::report);
            return Losses.mse(x, Var.constant(batch.targets()));
        }

        @Override
        public List<Parameter> extraParameters() {
            return List.of(operator);
        }

        /** @return the mean squared error of the layer's output on the test set */
        double testMse(Dataset test) {
            Var x = denoise(Var.constant(test.features()), operator.var());
            return Losses.mse(x, Var.constant(test.targets())).item();
        }
    }

    /** A denoiser whose layer is a {@link FoldedLayer} made for the current {@code D} at every call. */
    private abstract static class FoldedDenoiser extends Denoiser {
        private FoldedLayer last;

        FoldedDenoiser(String name, Tensor initial) {
            super(name, initial);
        }

        /** Remembers the layer whose report the next backward pass produces; returns it. */
        FoldedLayer use(FoldedLayer layer) {
            last = layer;
            return layer;
        }

        @Override
        BackwardReport report() {
            return last.lastReport();
        }
    }

    /** {@code folded-dpg}: the dual proximal gradient step folded, FDPG forward. */
    private static final class FoldedDpg extends FoldedDenoiser {
        private final FoldOptions options;

        FoldedDpg(Tensor initial, FoldOptions options) {
            super("folded-dpg", initial);
            this.options = options;
        }

        @Override
        Var denoise(Var y, Var d) {
            DualProximalGradient dpg = new DualProximalGradient(d, Var.scalar(LAMBDA));
            return dpg.output(use(new FoldedLayer(dpg.solver(SOLVE_TOL, SOLVE_ITERATIONS), dpg.updateMap(), options))
                    .apply(y));
        }
    }

    /** {@code folded-admm}: OSQP-style ADMM on the equivalent QP, folded, ADMM forward. */
    private static final class FoldedAdmm extends FoldedDenoiser {
        private final TotalVariationQp qp;
        private final FoldOptions options;

        FoldedAdmm(Tensor initial, TotalVariationQp qp, FoldOptions options) {
            super("folded-admm", initial);
            this.qp = qp;
            this.options = options;
        }

        @Override
        Var denoise(Var y, Var d) {
            AdmmQp admm = admm(qp, d);
            return solveAdmm(qp, use(new FoldedLayer(admm.solver(SOLVE_TOL, SOLVE_ITERATIONS), admm.updateMap(),
                    options)), y);
        }
    }

    /** {@code unrolled-admm}: the same ADMM map, {@code K} steps from zero, backpropagated through. */
    private static final class UnrolledAdmm extends Denoiser {
        private final TotalVariationQp qp;
        private final int steps;

        UnrolledAdmm(Tensor initial, TotalVariationQp qp, int steps) {
            super("unrolled-admm", initial);
            this.qp = qp;
            this.steps = steps;
        }

        @Override
        Var denoise(Var y, Var d) {
            AdmmQp admm = admm(qp, d);
            return solveAdmm(qp, new UnrolledLayer(admm.updateMap(), p -> Tensor.zeros(p[0].dim(0), admm.stateDim()),
                    steps), y);
        }
    }

    /** @return ADMM on the QP with the rows {@code [D -I; -D -I]} of the learned operator {@code D} */
    private static AdmmQp admm(TotalVariationQp qp, Var d) {
        return new AdmmQp(qp.quadratic(), qp.admmRows(d), ADMM_RHO, ADMM_SIGMA);
    }

    /** @return the signal read off an ADMM layer (folded or unrolled) applied to the noisy signals {@code y} */
    private static Var solveAdmm(TotalVariationQp qp, OptimizationLayer layer, Var y) {
        int batch = y.dim(0);
        return qp.signal(layer.apply(qp.linear(y), qp.admmLower(batch), qp.admmUpper(batch)));
    }

    /** {@code kkt-qp}: the equivalent QP solved by interior point and differentiated through its KKT system. */
    private static final class KktQp extends Denoiser {
        private final TotalVariationQp qp;

        KktQp(Tensor initial, TotalVariationQp qp) {
            super("kkt-qp", initial);
            this.qp = qp;
        }

        @Override
        Var denoise(Var y, Var d) {
            Var g = qp.inequalities(d);
            Var h = Var.constant(Tensor.zeros(g.dim(0)));
            return qp.signal(DifferentiableQp.solve(qp.quadratic(), qp.linear(y), null, null, g, h,
                    QpOptions.defaults()));
        }
    }
}
