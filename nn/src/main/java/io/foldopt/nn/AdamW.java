package io.foldopt.nn;

import java.util.List;

/**
 * AdamW (Loshchilov and Hutter), PyTorch's {@code torch.optim.AdamW}: the weight decay is decoupled
 * from the gradient, {@code θ ← (1 - η λ) θ} before the {@link Adam} step, so the moments see only
 * {@code g} and the decay is not rescaled by {@code 1 / √v}.
 */
public final class AdamW extends Adam {
    /**
     * @param learningRate {@code η}
     * @param beta1 {@code β1 ∈ [0, 1)}
     * @param beta2 {@code β2 ∈ [0, 1)}
     * @param eps {@code ε > 0}
     * @param weightDecay {@code λ >= 0} (PyTorch's default is 0.01)
     */
    public AdamW(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
            double weightDecay) {
        super(parameters, learningRate, beta1, beta2, eps, weightDecay);
    }
}
