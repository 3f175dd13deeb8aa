package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;

/**
 * Differentiation of a black-box solver by Vlastelica et al. (2020) on the regret: the loss is the regret
 * {@code l = c^T w*(c_hat) - z*(c)} of the decision for the predicted costs (averaged over the batch), whose true
 * gradient is zero almost everywhere; it is replaced by the gradient of the piecewise-linear interpolation
 * {@code f_lambda(c_hat) = (phi(c_hat + lambda c) - phi(c_hat)) / lambda} of {@code c^T w*(c_hat)}, where
 * {@code phi(c) = min_{w ∈ S} c^T w}: {@code (w*(c_hat + lambda c) - w*(c_hat)) / lambda}. Two oracle calls per
 * instance.
 */
public final class BlackBox implements DecisionLoss {
    private final Oracle oracle;
    private final double lambda;

    /**
     * @param oracle the problem's oracle
     * @param lambda the interpolation strength, positive (Vlastelica et al. use 10 to 20 for costs of order 1)
     */
    public BlackBox(Oracle oracle, double lambda) {
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("dbb: lambda must be positive and finite, got " + lambda);
        }
        this.oracle = oracle;
        this.lambda = lambda;
    }

    @Override
    public String name() {
        return "dbb";
    }

    @Override
    public Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted, truth);
        int batch = truth.size();
        int n = truth.dimension();
        double[] c = truth.costs().data();
        double[] z = truth.values().data();
        double[] w = oracle.solveBatch(predicted).data();
        double[] wl = oracle.solveBatch(DecisionLoss.combine(1, predicted, lambda, truth.costs())).data();
        double loss = 0;
        double[] grad = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            double l = -z[b];
            for (int j = b * n; j < (b + 1) * n; j++) {
                l += c[j] * w[j];
                grad[j] = (wl[j] - w[j]) / (lambda * batch);
            }
            loss += l / batch;
        }
        return new Evaluation(loss, Tensor.wrap(grad, batch, n));
    }
}
