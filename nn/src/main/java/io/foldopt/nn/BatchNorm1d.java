package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Batch normalization over the batch axis of {@code x (B, F)}, with PyTorch's conventions.
 *
 * <p>Training mode: with the batch mean {@code μ_j = (1/B) Σ_b x_bj} and biased variance
 * {@code σ²_j = (1/B) Σ_b (x_bj - μ_j)²}, {@code y_bj = γ_j (x_bj - μ_j) / √(σ²_j + ε) + β_j},
 * differentiated through {@code μ} and {@code σ²}; the running estimates become
 * {@code m ← (1 - α) m + α μ} and {@code v ← (1 - α) v + α σ² B / (B - 1)} (unbiased variance) with
 * momentum {@code α = 0.1}. Evaluation mode: {@code y_bj = γ_j (x_bj - m_j) / √(v_j + ε) + β_j}, with the
 * running estimates as constants. {@code ε = 1e-5}; {@code γ} starts at 1, {@code β} at 0, {@code m} at
 * 0 and {@code v} at 1.
 */
public final class BatchNorm1d implements Layer {
    /** The {@code ε} added to the variance. */
    public static final double EPS = 1e-5;
    /** The momentum {@code α} of the running estimates. */
    public static final double MOMENTUM = 0.1;

    private final int features;
    private final Parameter gamma;
    private final Parameter beta;
    private final double[] runningMean;
    private final double[] runningVar;
    private boolean training = true;

    /** @param features the size {@code F} of the feature axis */
    public BatchNorm1d(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("BatchNorm1d needs at least one feature, got " + features);
        }
        this.features = features;
        this.gamma = new Parameter("gamma", Tensor.full(1.0, features));
        this.beta = new Parameter("beta", Tensor.zeros(features));
        this.runningMean = new double[features];
        this.runningVar = new double[features];
        Arrays.fill(runningVar, 1.0);
    }

    /** {@code x} standardized with its batch statistics, and those statistics. */
    private record Standardized(Var xHat, Tensor mean, Tensor variance) {}

    private static Standardized standardize(Var x) {
        Var mean = x.mean(0);
        Var centered = x.sub(mean);
        Var variance = centered.mul(centered).mean(0);
        return new Standardized(centered.div(variance.add(EPS).sqrt()), mean.value(), variance.value());
    }

    /**
     * @return the training-mode transform {@code γ (x - μ) / √(σ² + ε) + β} with batch statistics,
     *     without touching any running estimate
     */
    public static Var normalize(Var x, Var gamma, Var beta) {
        return standardize(x).xHat().mul(gamma).add(beta);
    }

    @Override
    public Var forward(Var x) {
        if (x.rank() != 2 || x.dim(1) != features) {
            throw new IllegalArgumentException("BatchNorm1d(" + features + ") needs input (B, " + features
                    + "), got " + Arrays.toString(x.shape()));
        }
        Var xHat;
        if (training) {
            int batch = x.dim(0);
            if (batch < 2) {
                throw new IllegalArgumentException("BatchNorm1d in training mode needs a batch of at least 2, got "
                        + batch);
            }
            Standardized s = standardize(x);
            double[] mean = s.mean().data();
            double[] variance = s.variance().data();
            double unbias = batch / (batch - 1.0);
            for (int j = 0; j < features; j++) {
                runningMean[j] = (1 - MOMENTUM) * runningMean[j] + MOMENTUM * mean[j];
                runningVar[j] = (1 - MOMENTUM) * runningVar[j] + MOMENTUM * variance[j] * unbias;
            }
            xHat = s.xHat();
        } else {
            double[] invStd = new double[features];
            for (int j = 0; j < features; j++) {
                invStd[j] = 1.0 / Math.sqrt(runningVar[j] + EPS);
            }
            xHat = x.sub(Var.constant(runningMean())).mul(Var.constant(Tensor.wrap(invStd, features)));
        }
        return xHat.mul(gamma.var()).add(beta.var());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** @return whether the module is in training mode */
    public boolean isTraining() {
        return training;
    }

    /** @return the scale {@code γ (F)} */
    public Parameter gamma() {
        return gamma;
    }

    /** @return the shift {@code β (F)} */
    public Parameter beta() {
        return beta;
    }

    /** Replaces the running estimates {@code m} and {@code v} (e.g. by those read from a {@link ModelFile}). */
    void setRunningStatistics(double[] mean, double[] variance) {
        if (mean.length != features || variance.length != features) {
            throw new IllegalArgumentException("BatchNorm1d(" + features + ") needs " + features
                    + " running means and variances, got " + mean.length + " and " + variance.length);
        }
        System.arraycopy(mean, 0, runningMean, 0, features);
        System.arraycopy(variance, 0, runningVar, 0, features);
    }

    /** @return a copy of the running mean {@code m (F)} */
    public Tensor runningMean() {
        return Tensor.of(runningMean, features);
    }

    /** @return a copy of the running (unbiased) variance {@code v (F)} */
    public Tensor runningVar() {
        return Tensor.of(runningVar, features);
    }
}
