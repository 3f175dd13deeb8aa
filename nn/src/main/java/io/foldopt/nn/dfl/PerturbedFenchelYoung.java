package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;

/**
 * The perturbed Fenchel-Young loss of Berthet et al. (2020) for a minimization:
 * {@code l(c_hat; w*) = c_hat^T w* - F(c_hat)} with the smoothed value {@code F(c_hat) = E_Z[min_{w ∈ S}
 * (c_hat + sigma Z)^T w]}, {@code Z ~ N(0, I)}, non-negative and convex in {@code c_hat}; its gradient is
 * {@code w* - E_Z[w*(c_hat + sigma Z)]}. Both expectations are Monte Carlo averages over {@code M} draws per
 * instance ({@link Perturbations}: parallel, seeded, deterministic).
 */
public final class PerturbedFenchelYoung implements DecisionLoss {
    private final Oracle oracle;
    private final Perturbations perturbations;

    /**
     * @param oracle the problem's oracle
     * @param samples the number {@code M >= 1} of draws per instance
     * @param sigma the noise scale, positive
     * @param seed the seed of the draws
     */
    public PerturbedFenchelYoung(Oracle oracle, int samples, double sigma, long seed) {
        this.oracle = oracle;
        this.perturbations = new Perturbations(name(), samples, sigma, seed);
    }

    @Override
    public String name() {
        return "pfyl";
    }

    @Override
    public Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted, truth);
        int batch = truth.size();
        int n = truth.dimension();
        int samples = perturbations.samples();
        double sigma = perturbations.sigma();
        double[] p = predicted.data();
        double[] w = truth.decisions().data();
        double[] losses = new double[batch];
        double[] grad = new double[batch * n];
        perturbations.forEach(oracle, predicted, (b, z, ws) -> {
            double smoothed = 0;
            double linear = 0;
            for (int j = 0; j < n; j++) {
                double mean = 0;
                for (int m = 0; m < samples; m++) {
                    double wm = ws[m * n + j];
                    mean += wm / samples;
                    smoothed += (p[b * n + j] + sigma * z[m * n + j]) * wm / samples;
                }
                linear += p[b * n + j] * w[b * n + j];
                grad[b * n + j] = (w[b * n + j] - mean) / batch;
            }
            losses[b] = linear - smoothed;
        });
        double loss = 0;
        for (double l : losses) {
            loss += l / batch;
        }
        return new Evaluation(loss, Tensor.wrap(grad, batch, n));
    }
}
