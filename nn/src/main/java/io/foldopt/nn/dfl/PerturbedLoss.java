package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * The common part of the perturbed losses: {@code M} Gaussian perturbations {@code c_hat_b + sigma Z_bm} of every
 * instance and their decisions ({@link Perturbations}: parallel, seeded, deterministic), the loss and gradient of each
 * instance from them ({@link #instance}), averaged over the batch.
 */
abstract class PerturbedLoss implements DecisionLoss {
    private final Oracle oracle;
    private final Perturbations perturbations;

    PerturbedLoss(Oracle oracle, int samples, double sigma, long seed) {
        this.oracle = oracle;
        this.perturbations = new Perturbations(name(), samples, sigma, seed);
    }

    /**
     * The loss of one instance and its gradient.
     *
     * @param predicted the instance's predicted costs {@code c_hat (n)}
     * @param decision its optimal decision {@code w* (n)}
     * @param noise the draws {@code Z_m}, {@code M x n} row-major
     * @param decisions the perturbed decisions {@code w*(c_hat + sigma Z_m)}, {@code M x n} row-major
     * @param gradient receives the gradient of the instance's loss with respect to {@code c_hat} (zeros on entry)
     * @return the instance's loss
     */
    abstract double instance(double[] predicted, double[] decision, double[] noise, double[] decisions,
            double[] gradient);

    /** @return the number {@code M} of draws per instance */
    final int samples() {
        return perturbations.samples();
    }

    /** @return the noise scale {@code sigma} */
    final double sigma() {
        return perturbations.sigma();
    }

    @Override
    public final Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted, truth);
        int batch = truth.size();
        int n = truth.dimension();
        double[] p = predicted.data();
        double[] w = truth.decisions().data();
        double[] losses = new double[batch];
        double[] grad = new double[batch * n];
        perturbations.forEach(oracle, predicted, (b, z, ws) -> {
            double[] g = new double[n];
            losses[b] = instance(Arrays.copyOfRange(p, b * n, (b + 1) * n), Arrays.copyOfRange(w, b * n, (b + 1) * n),
                    z, ws, g);
            for (int j = 0; j < n; j++) {
                grad[b * n + j] = g[j] / batch;
            }
        });
        double loss = 0;
        for (double l : losses) {
            loss += l / batch;
        }
        return new Evaluation(loss, Tensor.wrap(grad, batch, n));
    }
}
