package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Scalar training losses, each the mean over the batch (and, for elementwise losses, over elements).
 * Operands are graph nodes; targets may be constants or themselves differentiated.
 */
public final class Losses {
    private Losses() {}

    /** @return the mean squared error {@code (1/n) Σ_i (p_i - t_i)²} over all {@code n} elements */
    public static Var mse(Var pred, Var target) {
        requireSameShape("mse", pred, target);
        Var d = pred.sub(target);
        return d.mul(d).mean();
    }

    /**
     * Binary cross-entropy of {@code σ(z)} against targets {@code y ∈ [0, 1]}, evaluated as
     * {@code (1/n) Σ_i [softplus(z_i) - z_i y_i]}, which equals
     * {@code -(1/n) Σ_i [y_i log σ(z_i) + (1 - y_i) log(1 - σ(z_i))]} and never overflows
     * ({@code softplus(z) = max(z, 0) + log(1 + e^{-|z|})}); its gradient is {@code (σ(z) - y) / n}.
     */
    public static Var binaryCrossEntropyWithLogits(Var logits, Var targets) {
        requireSameShape("binaryCrossEntropyWithLogits", logits, targets);
        return logits.softplus().sub(logits.mul(targets)).mean();
    }

    /**
     * Softmax cross-entropy of logits {@code z (B, K)} against target rows {@code y (B, K)} (one-hot or
     * distributions): {@code (1/B) Σ_b -Σ_k y_bk log softmax(z_b)_k}, with the stable log-softmax
     * {@code z_bk - c_b - log Σ_k exp(z_bk - c_b)}, {@code c_b = max_k z_bk} (a constant: the log-softmax
     * does not depend on it, so the gradient is exact).
     */
    public static Var softmaxCrossEntropy(Var logits, Var targets) {
        requireSameShape("softmaxCrossEntropy", logits, targets);
        if (logits.rank() != 2 || logits.dim(1) < 1) {
            throw new IllegalArgumentException("softmaxCrossEntropy needs logits (B, K), got "
                    + Arrays.toString(logits.shape()));
        }
        int batch = logits.dim(0);
        int classes = logits.dim(1);
        double[] z = logits.value().data();
        double[] max = new double[batch];
        for (int b = 0; b < batch; b++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int k = b * classes; k < (b + 1) * classes; k++) {
                m = Math.max(m, z[k]);
            }
            max[b] = m;
        }
        Var shifted = logits.sub(Var.constant(Tensor.wrap(max, batch, 1)));
        Var logSoftmax = shifted.sub(shifted.exp().sum(1).log().reshape(batch, 1));
        return targets.mul(logSoftmax).sum(1).mean().neg();
    }

    private static void requireSameShape(String loss, Var a, Var b) {
        if (!a.value().sameShape(b.value())) {
            throw new IllegalArgumentException(loss + ": shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " differ");
        }
    }
}
