package io.foldopt.experiments.dfl;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The feature-to-cost map of PyEPO's shortest-path and knapsack generators, drawn in PyEPO's order from one seeded
 * generator: {@code B ~ Bernoulli(0.5)^{n x p}}, then features {@code x_i ~ N(0, I_p)}, then the multiplicative noise
 * {@code eps_ij ~ U[1 - w, 1 + w]}; the costs are
 * {@code c_ij = [(1/sqrt(p) (B x_i)_j + 3)^deg + 1] / 3.5^deg * eps_ij}.
 */
final class PolynomialCosts {
    private PolynomialCosts() {}

    /** Checks the common arguments, naming the generator. */
    static void check(String generator, int samples, int features, int deg, double noise) {
        if (samples < 1 || features < 1 || deg < 1) {
            throw new IllegalArgumentException(generator + " data needs samples, features and deg >= 1, got "
                    + samples + ", " + features + " and " + deg);
        }
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException(generator + " data needs a noise half-width in [0, 1), got " + noise);
        }
    }

    /**
     * Draws {@code B}, the features and the noise from {@code rng} and returns the features {@code (N, p)} and the
     * costs {@code (N, n)}.
     */
    static Tensor[] draw(SplittableRandom rng, int samples, int features, int costs, int deg, double noise) {
        double[] b = new double[costs * features];
        for (int i = 0; i < b.length; i++) {
            b[i] = rng.nextDouble() < 0.5 ? 1 : 0;
        }
        double[] x = new double[samples * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        double scale = Math.pow(3.5, deg);
        double root = Math.sqrt(features);
        double[] c = new double[samples * costs];
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < costs; j++) {
                double bx = 0;
                for (int k = 0; k < features; k++) {
                    bx += b[j * features + k] * x[s * features + k];
                }
                c[s * costs + j] = (Math.pow(bx / root + 3, deg) + 1) / scale;
            }
        }
        for (int i = 0; i < c.length; i++) {
            c[i] *= noise == 0 ? 1 : rng.nextDouble(1 - noise, 1 + noise);
        }
        return new Tensor[] {Tensor.wrap(x, samples, features), Tensor.wrap(c, samples, costs)};
    }
}
