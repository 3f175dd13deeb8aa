package io.foldopt.nn.dfl;

/**
 * The perturbed Fenchel-Young loss of Berthet et al. (2020) for a minimization:
 * {@code l(c_hat; w*) = c_hat^T w* - F(c_hat)} with the smoothed value {@code F(c_hat) = E_Z[min_{w ∈ S}
 * (c_hat + sigma Z)^T w]}, {@code Z ~ N(0, I)}, non-negative and convex in {@code c_hat}; its gradient is
 * {@code w* - E_Z[w*(c_hat + sigma Z)]}. Both expectations are Monte Carlo averages over {@code M} draws per
 * instance (parallel, seeded, deterministic).
 */
public final class PerturbedFenchelYoung extends PerturbedLoss {

    /**
     * @param oracle the problem's oracle
     * @param samples the number {@code M >= 1} of draws per instance
     * @param sigma the noise scale, positive
     * @param seed the seed of the draws
     */
    public PerturbedFenchelYoung(Oracle oracle, int samples, double sigma, long seed) {
        super(oracle, samples, sigma, seed);
    }

    @Override
    public String name() {
        return "pfyl";
    }

    @Override
    double instance(double[] p, double[] w, double[] z, double[] ws, double[] gradient) {
        int n = p.length;
        int samples = samples();
        double sigma = sigma();
        double loss = 0;
        for (int j = 0; j < n; j++) {
            double mean = 0;
            for (int m = 0; m < samples; m++) {
                double wm = ws[m * n + j];
                mean += wm / samples;
                loss -= (p[j] + sigma * z[m * n + j]) * wm / samples;
            }
            loss += p[j] * w[j];
            gradient[j] = w[j] - mean;
        }
        return loss;
    }
}
