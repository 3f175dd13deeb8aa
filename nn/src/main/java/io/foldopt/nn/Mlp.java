package io.foldopt.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multilayer perceptrons: for sizes {@code n_0, ..., n_L}, hidden blocks
 * {@code Linear(n_{l-1}, n_l) → [BatchNorm1d(n_l)] → ReLU → [Dropout(p)]} for {@code l < L}, then a
 * final {@code Linear(n_{L-1}, n_L)} with no activation.
 */
public final class Mlp {
    private Mlp() {}

    /**
     * @param sizes the layer widths {@code n_0 (input), ..., n_L (output)}, at least two
     * @param batchNorm whether hidden blocks normalize before the activation
     * @param dropout the drop probability of hidden blocks in {@code [0, 1)}; 0 adds no dropout layer
     * @param seed the seed of every weight and dropout mask
     * @return the network
     */
    public static Sequential of(int[] sizes, boolean batchNorm, double dropout, long seed) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs an input and an output size, got " + sizes.length
                    + " sizes");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + dropout);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        for (int l = 1; l < sizes.length; l++) {
            layers.add(new Linear(sizes[l - 1], sizes[l], rng));
            if (l < sizes.length - 1) {
                if (batchNorm) {
                    layers.add(new BatchNorm1d(sizes[l]));
                }
                layers.add(new ReLU());
                if (dropout > 0) {
                    layers.add(new Dropout(dropout, rng.nextLong()));
                }
            }
        }
        return new Sequential(layers.toArray(Layer[]::new));
    }
}
