package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training mode {@code y = x ⊙ m / (1 - p)} with a fresh mask of independent
 * {@code m_i ~ Bernoulli(1 - p)} per call, so that {@code E[y] = x}; in evaluation mode {@code y = x}.
 *
 * <p>The masks come from a generator seeded once, so the sequence of masks is a function of the seed
 * and the number of training-mode calls.
 */
public final class Dropout implements Layer {
    private final double p;
    private final long seed;
    private final SplittableRandom rng;
    private boolean training = true;

    /**
     * @param p the drop probability, in {@code [0, 1)}
     * @param seed the seed of the masks
     */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public Var forward(Var x) {
        if (!training || p == 0) {
            return x;
        }
        double keep = 1 - p;
        double scale = 1 / keep;
        double[] mask = new double[x.value().size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < keep ? scale : 0.0;
        }
        return x.mask(Tensor.wrap(mask, x.shape()));
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** @return the drop probability {@code p} */
    public double p() {
        return p;
    }

    /** @return the seed of the masks */
    public long seed() {
        return seed;
    }

    /** @return whether the module is in training mode */
    public boolean isTraining() {
        return training;
    }
}
