package io.foldopt.nn;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A first-order optimizer over a fixed list of parameters: each {@link #step} maps every parameter
 * {@code θ} with gradient {@code g = ∂L/∂θ} to {@code θ' = U(θ, g, state, t)} and installs it with
 * {@link Parameter#set}, where {@code t} counts that parameter's own updates from 1 (PyTorch's per-parameter
 * {@code step}). A parameter without a gradient in a step is left alone and its state does not advance.
 */
public abstract class Optimizer {
    private final List<Parameter> parameters;
    private final Map<Parameter, Integer> index = new IdentityHashMap<>();
    private final long[] steps;
    private double learningRate;

    /**
     * @param parameters the parameters to update, each at most once
     * @param learningRate the initial learning rate {@code η >= 0}
     */
    protected Optimizer(List<Parameter> parameters, double learningRate) {
        this.parameters = List.copyOf(parameters);
        for (int i = 0; i < this.parameters.size(); i++) {
            if (index.put(this.parameters.get(i), i) != null) {
                throw new IllegalArgumentException("parameter '" + this.parameters.get(i).name()
                        + "' is listed twice");
            }
        }
        this.steps = new long[this.parameters.size()];
        setLearningRate(learningRate);
    }

    /** @return the parameters, in the order {@link #step(List)} expects gradients */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** @return the current learning rate {@code η} */
    public final double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate {@code η >= 0} used from the next step on (for schedules). */
    public final void setLearningRate(double learningRate) {
        if (!(learningRate >= 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /**
     * Updates every parameter from its gradient.
     *
     * @param grads one gradient per parameter, in the order of {@link #parameters()}, each shaped like
     *     its parameter; a {@code null} entry skips that parameter
     */
    public final void step(List<Tensor> grads) {
        if (grads.size() != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " gradients, got " + grads.size());
        }
        for (int i = 0; i < steps.length; i++) {
            Tensor g = grads.get(i);
            if (g != null) {
                apply(i, g);
            }
        }
    }

    /**
     * One training step on a scalar loss: computes {@code dL/dθ} for every parameter by reverse mode
     * (one backward pass through the loss's graph, folded layers included) and updates them.
     *
     * @param loss a one-element node of a graph that uses this optimizer's parameters
     * @return the value of the loss before the update
     */
    public final double minimize(Var loss) {
        Var[] vars = new Var[parameters.size()];
        for (int i = 0; i < vars.length; i++) {
            vars[i] = parameters.get(i).var();
        }
        step(Arrays.asList(Autodiff.grad(loss, vars)));
        return loss.item();
    }

    /**
     * Updates the parameters that have a gradient in {@code grads}, in the order of {@link #parameters()}.
     *
     * @throws IllegalArgumentException if a key is not one of this optimizer's parameters
     */
    public final void step(Map<Parameter, Tensor> grads) {
        for (Parameter p : grads.keySet()) {
            if (!index.containsKey(p)) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is not updated by this optimizer");
            }
        }
        for (int i = 0; i < steps.length; i++) {
            Tensor g = grads.get(parameters.get(i));
            if (g != null) {
                apply(i, g);
            }
        }
    }

    private void apply(int i, Tensor grad) {
        Parameter p = parameters.get(i);
        Tensor value = p.value();
        if (!grad.sameShape(value)) {
            throw new IllegalArgumentException("gradient of parameter '" + p.name() + "' has shape "
                    + Arrays.toString(grad.shape()) + ", the parameter has shape " + Arrays.toString(value.shape()));
        }
        double[] theta = value.toArray();
        update(i, theta, grad.data(), ++steps[i]);
        p.set(Tensor.wrap(theta, value.shape()));
    }

    /**
     * Overwrites {@code theta} with {@code U(θ, g, state, t)} and advances the state of parameter
     * {@code index}.
     *
     * @param index the parameter's position in {@link #parameters()}
     * @param theta a private copy of {@code θ}, flat, to be overwritten
     * @param grad {@code g}, flat; must not be modified
     * @param step {@code t}, the number of this update of this parameter, from 1
     */
    protected abstract void update(int index, double[] theta, double[] grad, long step);

    /** @return the number of elements of parameter {@code index} (for allocating per-parameter state) */
    protected final int size(int index) {
        return parameters.get(index).value().size();
    }
}
