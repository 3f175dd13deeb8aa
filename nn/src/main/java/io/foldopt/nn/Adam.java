package io.foldopt.nn;

import java.util.List;

/**
 * Adam (Kingma and Ba), PyTorch's {@code torch.optim.Adam} without weight decay or AMSGrad:
 * {@code m_t = β1 m_{t-1} + (1 - β1) g_t}, {@code v_t = β2 v_{t-1} + (1 - β2) g_t²},
 * {@code θ_t = θ_{t-1} - (η / (1 - β1^t)) m_t / (√v_t / √(1 - β2^t) + ε)}, with {@code m_0 = v_0 = 0}.
 * {@link AdamW} adds decoupled weight decay.
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double decoupledWeightDecay;
    private final double[][] m;
    private final double[][] v;

    /** Adam with PyTorch's defaults {@code β1 = 0.9}, {@code β2 = 0.999}, {@code ε = 1e-8}. */
    public Adam(List<Parameter> parameters, double learningRate) {
        this(parameters, learningRate, 0.9, 0.999, 1e-8);
    }

    /**
     * @param learningRate {@code η}
     * @param beta1 {@code β1 ∈ [0, 1)}, the decay of the first moment (typically 0.9)
     * @param beta2 {@code β2 ∈ [0, 1)}, the decay of the second moment (typically 0.999)
     * @param eps {@code ε > 0} (typically 1e-8)
     */
    public Adam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps) {
        this(parameters, learningRate, beta1, beta2, eps, 0.0);
    }

    /** The Adam step preceded by the decay {@code θ ← (1 - η λ) θ} (AdamW; {@code λ = 0} is plain Adam). */
    Adam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double eps,
            double decoupledWeightDecay) {
        super(parameters, learningRate);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        if (!(decoupledWeightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + decoupledWeightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupledWeightDecay = decoupledWeightDecay;
        this.m = new double[parameters.size()][];
        this.v = new double[parameters.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[size(i)];
            v[i] = new double[size(i)];
        }
    }

    @Override
    protected final void update(int index, double[] theta, double[] grad, long step) {
        double lr = learningRate();
        double decay = 1 - lr * decoupledWeightDecay;
        double stepSize = lr / (1 - Math.pow(beta1, step));
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, step));
        double[] mi = m[index];
        double[] vi = v[index];
        for (int j = 0; j < theta.length; j++) {
            double g = grad[j];
            mi[j] = beta1 * mi[j] + (1 - beta1) * g;
            vi[j] = beta2 * vi[j] + (1 - beta2) * g * g;
            theta[j] = decay * theta[j] - stepSize * mi[j] / (Math.sqrt(vi[j]) / sqrtCorrection2 + eps);
        }
    }
}
