package io.foldopt.nn.dfl;

/**
 * The differentiable perturbed optimizer (DPO) of Berthet et al. (2020): the decision is replaced by its smoothed
 * version {@code w_sigma(c_hat) = E_Z[w*(c_hat + sigma Z)]}, {@code Z ~ N(0, I)}, whose Jacobian is
 * {@code E_Z[w*(c_hat + sigma Z) Z^T] / sigma}, and the loss is the squared distance to the true decision,
 * {@code l = ||w_sigma(c_hat) - w*(c)||^2} (averaged over the batch), with gradient
 * {@code E_Z[Z w*(c_hat + sigma Z)^T] 2 (w_sigma - w*) / sigma}. Expectations are Monte Carlo averages over the
 * same {@code M} draws per instance (parallel, seeded, deterministic).
 */
public final class PerturbedOptimizer extends PerturbedLoss {

    /**
     * @param oracle the problem's oracle
     * @param samples the number {@code M >= 1} of draws per instance
     * @param sigma the noise scale, positive
     * @param seed the seed of the draws
     */
    public PerturbedOptimizer(Oracle oracle, int samples, double sigma, long seed) {
        super(oracle, samples, sigma, seed);
    }

    @Override
    public String name() {
        return "dpo";
    }

    @Override
    double instance(double[] p, double[] w, double[] z, double[] ws, double[] gradient) {
        int n = p.length;
        int samples = samples();
        double sigma = sigma();
        // g = dl/dw_sigma = 2 (w_sigma - w*); the gradient is (1 / (M sigma)) sum_m Z_m (w_m^T g).
        double[] g = new double[n];
        for (int m = 0; m < samples; m++) {
            for (int j = 0; j < n; j++) {
                g[j] += ws[m * n + j] / samples;
            }
        }
        double loss = 0;
        for (int j = 0; j < n; j++) {
            g[j] -= w[j];
            loss += g[j] * g[j];
            g[j] *= 2;
        }
        for (int m = 0; m < samples; m++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += ws[m * n + j] * g[j];
            }
            for (int j = 0; j < n; j++) {
                gradient[j] += z[m * n + j] * s / (samples * sigma);
            }
        }
        return loss;
    }
}
