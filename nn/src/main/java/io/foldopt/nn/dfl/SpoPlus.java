package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;

/**
 * The SPO+ loss of Elmachtoub and Grigas, a convex surrogate of the regret:
 * {@code l(c_hat; c) = max_{w ∈ S} (c - 2 c_hat)^T w + 2 c_hat^T w*(c) - z*(c)}, whose subgradient is
 * {@code 2 (w*(c) - w*(2 c_hat - c))}. One oracle call per instance, at {@code 2 c_hat - c}.
 */
public final class SpoPlus implements DecisionLoss {
    private final Oracle oracle;

    /** @param oracle the problem's oracle */
    public SpoPlus(Oracle oracle) {
        this.oracle = oracle;
    }

    @Override
    public String name() {
        return "spo+";
    }

    @Override
    public Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted, truth);
        int batch = truth.size();
        int n = truth.dimension();
        double[] p = predicted.data();
        double[] w = truth.decisions().data();
        double[] z = truth.values().data();
        Tensor shiftedCosts = DecisionLoss.combine(2, predicted, -1, truth.costs());
        double[] shifted = shiftedCosts.data();
        double[] tilde = oracle.solveBatch(shiftedCosts).data();
        double loss = 0;
        double[] grad = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            double l = -z[b];
            for (int j = b * n; j < (b + 1) * n; j++) {
                l += -shifted[j] * tilde[j] + 2 * p[j] * w[j];
                grad[j] = 2 * (w[j] - tilde[j]) / batch;
            }
            loss += l / batch;
        }
        return new Evaluation(loss, Tensor.wrap(grad, batch, n));
    }
}
