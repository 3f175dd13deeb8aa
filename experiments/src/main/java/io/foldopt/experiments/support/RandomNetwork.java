package io.foldopt.experiments.support;

import io.foldopt.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A fixed random two-layer network, the nonlinear ground truth of the synthetic experiments:
 * {@code t(u) = W_2 tanh(W_1 u + b_1)} for {@code u in R^p}, with {@code W_1 (h x p) ~ N(0, 1/p)},
 * {@code b_1 ~ N(0, 1)} and {@code W_2 (m x h) ~ N(0, 1/h)}, drawn once from a seeded generator (so the
 * entries of {@code W_1 u + b_1} have variance about 2 for standard normal {@code u}, and the outputs
 * variance about {@code E tanh^2} ~ 0.4 each).
 */
public final class RandomNetwork {
    private final int in;
    private final int hidden;
    private final int out;
    private final double[] w1;
    private final double[] b1;
    private final double[] w2;

    /**
     * @param in the input dimension {@code p}
     * @param hidden the hidden width {@code h}
     * @param out the output dimension {@code m}
     * @param rng the source of the weights
     */
    public RandomNetwork(int in, int hidden, int out, RandomGenerator rng) {
        if (in < 1 || hidden < 1 || out < 1) {
            throw new IllegalArgumentException("network sizes must be >= 1, got " + in + ", " + hidden + ", " + out);
        }
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        this.w1 = gaussian(rng, hidden * in, 1.0 / Math.sqrt(in));
        this.b1 = gaussian(rng, hidden, 1.0);
        this.w2 = gaussian(rng, out * hidden, 1.0 / Math.sqrt(hidden));
    }

    /** @return {@code t(u)} for every row of {@code u (N, p)}, shape {@code (N, m)} */
    public Tensor apply(Tensor u) {
        if (u.rank() != 2 || u.dim(1) != in) {
            throw new IllegalArgumentException("network input must be (N, " + in + "), got "
                    + java.util.Arrays.toString(u.shape()));
        }
        int samples = u.dim(0);
        double[] x = u.data();
        double[] t = new double[samples * out];
        double[] a = new double[hidden];
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < hidden; j++) {
                double z = b1[j];
                for (int i = 0; i < in; i++) {
                    z += w1[j * in + i] * x[s * in + i];
                }
                a[j] = Math.tanh(z);
            }
            for (int o = 0; o < out; o++) {
                double z = 0;
                for (int j = 0; j < hidden; j++) {
                    z += w2[o * hidden + j] * a[j];
                }
                t[s * out + o] = z;
            }
        }
        return Tensor.wrap(t, samples, out);
    }

    /**
     * Features and noisy outputs of the network.
     *
     * @param features {@code u (N, p)}, rows i.i.d. {@code N(0, I_p)}
     * @param outputs {@code scale t(u) + noise eps (N, m)}, {@code eps} i.i.d. standard normal
     */
    public record Sample(Tensor features, Tensor outputs) {}

    /**
     * @param count the number {@code N} of samples
     * @param scale the factor of the network's outputs
     * @param noise the standard deviation {@code sigma} of the additive Gaussian noise
     * @param rng the source of the features and the noise (features first, then the noise)
     * @return {@code N} samples {@code (u, scale t(u) + sigma eps)}
     */
    public Sample sample(int count, double scale, double noise, RandomGenerator rng) {
        Tensor u = Tensor.randn(rng, count, in);
        double[] t = apply(u).data();
        for (int i = 0; i < t.length; i++) {
            t[i] = scale * t[i] + noise * rng.nextGaussian();
        }
        return new Sample(u, Tensor.wrap(t, count, out));
    }

    private static double[] gaussian(RandomGenerator rng, int size, double std) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = std * rng.nextGaussian();
        }
        return v;
    }
}
