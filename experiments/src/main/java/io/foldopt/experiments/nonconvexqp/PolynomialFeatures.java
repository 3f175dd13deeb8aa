package io.foldopt.experiments.nonconvexqp;

import io.foldopt.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * PyEPO-style synthetic data (Tang and Khalil 2022; Elmachtoub and Grigas 2022): features
 * {@code u ~ N(0, I_d)} and parameters
 *
 * <pre>
 *   p_j = eps_j ((B u)_j / sqrt(d) + 3)^deg / 3^deg - 1,     eps_j ~ U[1 - noise, 1 + noise]
 * </pre>
 *
 * with a fixed {@code B ~ Bernoulli(0.5)^{n x d}}. The map is a polynomial of degree {@code deg} (so a linear
 * model is misspecified for {@code deg > 1}). {@code (B u)_j / sqrt(d)} has variance about 1/2, so for
 * {@code deg = 4} and {@code noise = 0.5} the parameters lie in {@code [-1, inf)} with median about 0 and a heavy
 * right tail (deciles about -0.8 and 2): mixed signs, as the reference code's {@code p ~ U[-1, 1]}.
 */
public final class PolynomialFeatures {
    private final int features;
    private final int outputs;
    private final int degree;
    private final double noise;
    private final double[] bernoulli;

    /**
     * @param features the feature dimension {@code d}
     * @param outputs the parameter dimension {@code n}
     * @param degree the polynomial degree {@code deg >= 1}
     * @param noise the half-width of the multiplicative noise, in {@code [0, 1)}
     * @param rng the source of {@code B}
     */
    public PolynomialFeatures(int features, int outputs, int degree, double noise, RandomGenerator rng) {
        if (features < 1 || outputs < 1 || degree < 1 || !(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("need d, n, deg >= 1 and noise in [0, 1), got " + features + ", "
                    + outputs + ", " + degree + ", " + noise);
        }
        this.features = features;
        this.outputs = outputs;
        this.degree = degree;
        this.noise = noise;
        this.bernoulli = new double[outputs * features];
        for (int i = 0; i < bernoulli.length; i++) {
            bernoulli[i] = rng.nextBoolean() ? 1.0 : 0.0;
        }
    }

    /** @return {@code {u (count, d), p (count, n)}}, drawn from {@code rng} */
    public Tensor[] sample(int count, RandomGenerator rng) {
        Tensor u = Tensor.randn(rng, count, features);
        double[] p = new double[count * outputs];
        double norm = Math.pow(3, degree);
        for (int s = 0; s < count; s++) {
            for (int j = 0; j < outputs; j++) {
                double bu = 0;
                for (int k = 0; k < features; k++) {
                    bu += bernoulli[j * features + k] * u.data()[s * features + k];
                }
                double eps = 1 - noise + 2 * noise * rng.nextDouble();
                p[s * outputs + j] = eps * Math.pow(bu / Math.sqrt(features) + 3, degree) / norm - 1;
            }
        }
        return new Tensor[] {u, Tensor.wrap(p, count, outputs)};
    }
}
