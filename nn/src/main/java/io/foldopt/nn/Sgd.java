package io.foldopt.nn;

import java.util.List;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, PyTorch's {@code torch.optim.SGD}
 * (dampening 0, no Nesterov): {@code d_t = g_t + λ θ_{t-1}}; {@code b_1 = d_1},
 * {@code b_t = μ b_{t-1} + d_t}; {@code θ_t = θ_{t-1} - η b_t} (with {@code μ = 0}:
 * {@code θ_t = θ_{t-1} - η d_t}).
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final double[][] buffers;

    /** SGD without weight decay; see {@link #Sgd(List, double, double, double)}. */
    public Sgd(List<Parameter> parameters, double learningRate, double momentum) {
        this(parameters, learningRate, momentum, 0.0);
    }

    /**
     * @param learningRate {@code η}
     * @param momentum {@code μ ∈ [0, 1)}
     * @param weightDecay {@code λ >= 0}, added to the gradient as {@code λ θ}
     */
    public Sgd(List<Parameter> parameters, double learningRate, double momentum, double weightDecay) {
        super(parameters, learningRate);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.buffers = new double[parameters.size()][];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = momentum == 0 ? null : new double[size(i)];
        }
    }

    @Override
    protected void update(int index, double[] theta, double[] grad, long step) {
        double lr = learningRate();
        double[] b = buffers[index];
        for (int j = 0; j < theta.length; j++) {
            double d = grad[j] + weightDecay * theta[j];
            if (b != null) {
                b[j] = step == 1 ? d : momentum * b[j] + d;
                d = b[j];
            }
            theta[j] -= lr * d;
        }
    }
}
