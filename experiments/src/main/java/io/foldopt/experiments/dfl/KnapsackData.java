package io.foldopt.experiments.dfl;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * PyEPO's multi-dimensional knapsack data: item weights {@code W (d, m)} drawn uniformly from
 * {@code {3.00, 3.01, ..., 7.99}} and shared by all samples, and item values from features,
 * {@code v_j = ceil(5 [(1/sqrt(p) (B x)_j + 3)^deg + 1] / 3.5^deg * eps_j)} with {@code eps_j ~ U[1 - w, 1 + w]},
 * {@code x ~ N(0, I_p)}, {@code B ~ Bernoulli(0.5)} (see {@link PolynomialCosts}); the weights are drawn first.
 *
 * @param weights the item weights {@code (d, m)}
 * @param features the features {@code (N, p)}
 * @param values the item values {@code (N, m)}, positive integers
 */
public record KnapsackData(Tensor weights, Tensor features, Tensor values) {

    /**
     * @param samples {@code N}
     * @param features {@code p}
     * @param items {@code m}
     * @param dims {@code d}, the number of knapsack constraints
     * @param deg the polynomial degree, at least 1
     * @param noise the noise half-width {@code w}, in {@code [0, 1)}
     * @param seed the seed of every draw
     * @return the data set
     */
    public static KnapsackData generate(int samples, int features, int items, int dims, int deg, double noise,
            long seed) {
        PolynomialCosts.check("knapsack", samples, features, deg, noise);
        if (items < 1 || dims < 1) {
            throw new IllegalArgumentException("knapsack data needs items and dims >= 1, got " + items + " and " + dims);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = new double[dims * items];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextInt(300, 800) / 100.0;
        }
        Tensor[] xc = PolynomialCosts.draw(rng, samples, features, items, deg, noise);
        return new KnapsackData(Tensor.wrap(w, dims, items), xc[0], xc[1].map(v -> Math.ceil(5 * v)));
    }
}
