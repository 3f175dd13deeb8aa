package io.foldopt.nn.dfl;

import io.foldopt.tensor.Tensor;

/** Regret of decisions made from predicted costs, the test metric of predict-then-optimize. */
public final class Regret {
    private Regret() {}

    /**
     * The normalized regret {@code Σ_b (c_b^T w*(c_hat_b) - z*_b) / Σ_b |z*_b|} of the oracle's decisions for the
     * predicted costs, measured with the true costs (PyEPO's definition; 0 is perfect).
     *
     * @param oracle the problem's oracle
     * @param predicted the predicted costs {@code (B, n)}
     * @param truth the true costs and optimal values
     * @return the normalized regret
     * @throws IllegalArgumentException if every optimal value is 0 (the ratio is undefined) or the shapes differ
     */
    public static double normalized(Oracle oracle, Tensor predicted, DecisionBatch truth) {
        DecisionLoss.check("regret", predicted, truth);
        double[] realized = DecisionBatch.rowDots(truth.costs(), oracle.solveBatch(predicted));
        double[] z = truth.values().data();
        double regret = 0;
        double scale = 0;
        for (int b = 0; b < z.length; b++) {
            regret += realized[b] - z[b];
            scale += Math.abs(z[b]);
        }
        if (scale == 0) {
            throw new IllegalArgumentException("normalized regret is undefined: every optimal value is 0");
        }
        return regret / scale;
    }
}
