package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;

/**
 * The differentiable perturbed optimizer (DPO) of Berthet et al. (2020): the decision is replaced by its smoothed
 * version {@code w_sigma(c_hat) = E_Z[w*(c_hat + sigma Z)]}, {@code Z ~ N(0, I)}, whose Jacobian is
 * {@code E_Z[w*(c_hat + sigma Z) Z^T] / sigma}, and the loss is the squared distance to the true decision,
 * {@code l = ||w_sigma(c_hat) - w*(c)||^2} (averaged over the batch), with gradient
 * {@code E_Z[Z w*(c_hat + sigma Z)^T] 2 (w_sigma - w*) / sigma}. Expectations are Monte Carlo averages over the
 * same {@code M} draws per instance ({@link Perturbations}: parallel, seeded, deterministic).
 */
public final class PerturbedOptimizer implements DecisionLoss {
    private final Oracle oracle;
    private final Perturbations perturbations;

    /**
     * @param oracle the problem's oracle
     * @param samples the number {@code M >= 1} of draws per instance
     * @param sigma the noise scale, positive
     * @param seed the seed of the draws
     */
    public PerturbedOptimizer(Oracle oracle, int samples, double sigma, long seed) {
        this.oracle = oracle;
        this.perturbations = new Perturbations(name(), samples, sigma, seed);
    }

    @Override
    public String name() {
        return "dpo";
    }

    @Override
    public Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted, truth);
        int batch = truth.size();
        int n = truth.dimension();
        int samples = perturbations.samples();
        double sigma = perturbations.sigma();
        double[] w = truth.decisions().data();
        double[] losses = new double[batch];
        double[] grad = new double[batch * n];
        perturbations.forEach(oracle, predicted, (b, z, ws) -> {
            // g = dl/dw_sigma = 2 (w_sigma - w*) / B; then grad = (1 / (M sigma)) sum_m Z_m (w_m^T g).
            double[] g = new double[n];
            for (int m = 0; m < samples; m++) {
                for (int j = 0; j < n; j++) {
                    g[j] += ws[m * n + j] / samples;
                }
            }
            double l = 0;
            for (int j = 0; j < n; j++) {
                g[j] -= w[b * n + j];
                l += g[j] * g[j];
                g[j] *= 2.0 / batch;
            }
            losses[b] = l;
            for (int m = 0; m < samples; m++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += ws[m * n + j] * g[j];
                }
                for (int j = 0; j < n; j++) {
                    grad[b * n + j] += z[m * n + j] * s / (samples * sigma);
                }
            }
        });
        double loss = 0;
        for (double l : losses) {
            loss += l / batch;
        }
        return new Evaluation(loss, Tensor.wrap(grad, batch, n));
    }
}
