package io.foldopt.experiments.portfolio;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Synthetic portfolio data in the style of Elmachtoub and Grigas (the generator of PyEPO's portfolio
 * task), for {@code n} assets, {@code p} features, polynomial degree {@code deg} and noise level
 * {@code tau}:
 *
 * <pre>
 *   B ~ Bernoulli(0.5)^{n x p},   L ~ U[-0.0025 tau, 0.0025 tau]^{n x 4}          (shared)
 *   x_i ~ N(0, I_p),  f_i ~ N(0, I_4),  eps_i ~ N(0, I_n)                          (per sample i)
 *   r_i = ((0.05 / sqrt(p)) B x_i + 0.1^{1/deg})^deg + L f_i + 0.01 tau eps_i     (elementwise power)
 *   Sigma = L L^T + (0.01 tau)^2 I,   gamma = 11.25 wbar^T Sigma wbar,  wbar = 1/n
 * </pre>
 *
 * {@code L f_i} is a four-factor noise: one standard normal factor vector {@code f_i} per sample, loaded on
 * the assets by {@code L}, so that {@code Sigma} is the covariance of the noise {@code L f_i + 0.01 tau eps_i}.
 * Everything is drawn from one generator seeded with {@code seed}, in the order {@code B, L}, then per sample
 * {@code x_i, f_i, eps_i}.
 *
 * @param features the features {@code X (N, p)}
 * @param returns the returns {@code R (N, n)}
 * @param covariance {@code Sigma (n, n)}
 * @param gamma the risk budget {@code gamma}
 */
public record PortfolioData(Tensor features, Tensor returns, Tensor covariance, double gamma) {
    /** Factors of the noise, as in the generator of Elmachtoub and Grigas. */
    private static final int FACTORS = 4;

    /**
     * @param samples {@code N}
     * @param assets {@code n}
     * @param featureCount {@code p}
     * @param deg the degree {@code deg >= 1} of the polynomial map from features to returns
     * @param tau the noise level (0.1 in the paper)
     * @param seed the seed of every draw
     * @return the data set
     */
    public static PortfolioData generate(int samples, int assets, int featureCount, int deg, double tau, long seed) {
        if (samples < 1 || assets < 1 || featureCount < 1 || deg < 1 || !(tau >= 0)) {
            throw new IllegalArgumentException("portfolio data needs positive sizes and degree and tau >= 0, got N = "
                    + samples + ", n = " + assets + ", p = " + featureCount + ", deg = " + deg + ", tau = " + tau);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] b = new double[assets * featureCount];
        for (int i = 0; i < b.length; i++) {
            b[i] = rng.nextDouble() < 0.5 ? 1.0 : 0.0;
        }
        double[] l = new double[assets * FACTORS];
        for (int i = 0; i < l.length; i++) {
            l[i] = 0.0025 * tau * rng.nextDouble(-1, 1);
        }
        double scale = 0.05 / Math.sqrt(featureCount);
        double shift = Math.pow(0.1, 1.0 / deg);
        double idio = 0.01 * tau;
        double[] x = new double[samples * featureCount];
        double[] r = new double[samples * assets];
        double[] f = new double[FACTORS];
        for (int s = 0; s < samples; s++) {
            for (int k = 0; k < featureCount; k++) {
                x[s * featureCount + k] = rng.nextGaussian();
            }
            for (int k = 0; k < FACTORS; k++) {
                f[k] = rng.nextGaussian();
            }
            for (int j = 0; j < assets; j++) {
                double bx = 0;
                for (int k = 0; k < featureCount; k++) {
                    bx += b[j * featureCount + k] * x[s * featureCount + k];
                }
                double lf = 0;
                for (int k = 0; k < FACTORS; k++) {
                    lf += l[j * FACTORS + k] * f[k];
                }
                r[s * assets + j] = Math.pow(scale * bx + shift, deg) + lf + idio * rng.nextGaussian();
            }
        }
        double[] sigma = new double[assets * assets];
        double total = 0;
        for (int i = 0; i < assets; i++) {
            for (int j = 0; j < assets; j++) {
                double v = i == j ? idio * idio : 0;
                for (int k = 0; k < FACTORS; k++) {
                    v += l[i * FACTORS + k] * l[j * FACTORS + k];
                }
                sigma[i * assets + j] = v;
                total += v;
            }
        }
        double gamma = 11.25 * total / ((double) assets * assets);
        return new PortfolioData(Tensor.wrap(x, samples, featureCount), Tensor.wrap(r, samples, assets),
                Tensor.wrap(sigma, assets, assets), gamma);
    }

    /** @return the number {@code N} of samples */
    public int samples() {
        return returns.dim(0);
    }

    /** @return the number {@code n} of assets */
    public int assets() {
        return returns.dim(1);
    }
}
