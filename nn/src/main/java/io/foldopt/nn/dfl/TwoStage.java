package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;

/**
 * The two-stage baseline: the costs are fitted by least squares, ignoring the decisions:
 * {@code l = (1 / (B n)) Σ_b ||c_hat_b - c_b||^2}, gradient {@code 2 (c_hat - c) / (B n)}.
 */
public final class TwoStage implements DecisionLoss {
    @Override
    public String name() {
        return "two-stage";
    }

    @Override
    public Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted, truth);
        double[] p = predicted.data();
        double[] c = truth.costs().data();
        double[] grad = new double[p.length];
        double loss = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - c[i];
            loss += d * d / p.length;
            grad[i] = 2 * d / p.length;
        }
        return new Evaluation(loss, Tensor.wrap(grad, predicted.shape()));
    }
}
