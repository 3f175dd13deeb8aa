package io.foldopt.spark;

import io.foldopt.autodiff.Var;
import io.foldopt.experiments.NonconvexQpExperiment;
import io.foldopt.experiments.nonconvexqp.NonconvexQp;
import io.foldopt.experiments.nonconvexqp.PolynomialFeatures;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Mlp;
import io.foldopt.nn.Sequential;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Decision-focused learning through a nonconvex QP, the task that {@code foldopt spark train} and {@code eval}
 * distribute: a linear model {@code p_hat = W u + c} predicts the sine weights of
 * {@code min_y 1/2 y^T Q y + p^T sin(y) s.t. A y = b, G y <= h} ({@link NonconvexQp}, the DC3 instance) from
 * features {@code u} ({@link PolynomialFeatures}: 5 features, degree 4, noise 0.5), and decides with the local
 * solution {@code y*(p_hat)} of the folded projected-gradient layer over SQP ({@link NonconvexQp#foldedLayer},
 * backward solved DIRECT, so that an instance's gradient does not depend on its batch). The training loss is the
 * mean regret {@code f(y*(p_hat); p) - f(y*(p); p)} over the batch; the test metric the mean normalized regret
 * {@code |f(y*(p_hat); p) - f(y*(p); p)| / |f(y*(p); p)|}, as in the {@code nonconvex-qp} experiment.
 *
 * <p>Everything is a function of the record's fields, as a {@link TrainingTask} requires: the problem and the
 * model's initialization of {@code seed}, and sample {@code i} of set {@code s} (0 training, 1 test) of
 * {@code (seed, s, i)} alone.
 *
 * @param seed the seed of the problem, the data, the initialization and the shuffling
 * @param n the number of decision variables
 * @param equalities the number of equality constraints
 * @param inequalities the number of inequality constraints
 */
public record DecisionTask(long seed, int n, int equalities, int inequalities) implements TrainingTask {
    private static final long serialVersionUID = 1L;
    /** The feature dimension. */
    public static final int FEATURES = 5;
    private static final int DEGREE = 4;
    private static final double NOISE = 0.5;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** Validates the sizes. */
    public DecisionTask {
        if (n < 2 || equalities < 1 || equalities >= n || inequalities < 1) {
            throw new IllegalArgumentException("need n >= 2, 1 <= equalities < n and inequalities >= 1, got n " + n
                    + ", equalities " + equalities + ", inequalities " + inequalities);
        }
    }

    /** The problem, the data's ground truth and the model's seed, all drawn from {@link #seed}. */
    private record Parts(NonconvexQp problem, PolynomialFeatures truth, long modelSeed) {}

    private Parts parts() {
        SplittableRandom rng = new SplittableRandom(seed);
        NonconvexQp problem = NonconvexQp.random(n, equalities, inequalities, rng.split());
        PolynomialFeatures truth = new PolynomialFeatures(FEATURES, n, DEGREE, NOISE, rng.split());
        return new Parts(problem, truth, rng.nextLong());
    }

    /** @return the untrained model {@code u -> W u + c}, {@code (B, 5) -> (B, n)} */
    @Override
    public Sequential model() {
        return Mlp.of(new int[] {FEATURES, n}, false, 0.0, parts().modelSeed());
    }

    /**
     * @param set 0 for the training set, 1 for the test set
     * @param indices the samples' indices in the set
     * @return the samples: features {@code u (B, 5)}, true parameters {@code p (B, n)} and optimal values
     *     {@code f(y*(p); p) (B, 1)}
     */
    @Override
    public Dataset samples(int set, long[] indices) {
        Parts parts = parts();
        int count = indices.length;
        double[] u = new double[count * FEATURES];
        double[] p = new double[count * n];
        for (int k = 0; k < count; k++) {
            SplittableRandom rng = new SplittableRandom(seed + (2 * indices[k] + set + 1) * GOLDEN_GAMMA);
            Tensor[] one = parts.truth().sample(1, rng);
            System.arraycopy(one[0].data(), 0, u, k * FEATURES, FEATURES);
            System.arraycopy(one[1].data(), 0, p, k * n, n);
        }
        Tensor pt = Tensor.wrap(p, count, n);
        double[] best = parts.problem().objectives(parts.problem().solve(pt), pt);
        return new Dataset(Tensor.wrap(u, count, FEATURES), pt, Tensor.wrap(best, count, 1));
    }

    /** @return the mean regret of a batch through the folded layer, as a graph node */
    @Override
    public ShardLoss loss() {
        Parts parts = parts();
        FoldedLayer layer = parts.problem().foldedLayer(layerOptions());
        return (model, batch) -> {
            Var y = layer.apply(model.forward(Var.constant(batch.features())));
            Var achieved = parts.problem().value(y, new Var[] {Var.constant(batch.targets())});
            return achieved.sub(Var.constant(batch.get(2).reshape(batch.size()))).mean();
        };
    }

    /** @return the settings of the folded layer: backward solved DIRECT, failures flagged */
    @Override
    public FoldOptions layerOptions() {
        return FoldOptions.defaults().withSolver(BatchedLinearSolver.DIRECT).withOnFailure(FailurePolicy.FLAG);
    }

    /** @return {@code normalized regret} */
    @Override
    public String metricName() {
        return "normalized regret";
    }

    /** @return the sum over the samples of {@code |f(y*(p_hat); p) - f(y*(p); p)| / |f(y*(p); p)|} */
    @Override
    public double metricSum(Layer model, Dataset data) {
        Tensor predicted = model.forward(Var.constant(data.features())).value();
        return NonconvexQpExperiment.meanNormalizedRegret(parts().problem(), predicted, data) * data.size();
    }
}
