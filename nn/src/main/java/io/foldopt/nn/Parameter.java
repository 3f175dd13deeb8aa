package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A trainable tensor {@code θ}: a mutable slot whose current value is the gradient-requiring leaf
 * {@code Var.param(θ)}.
 *
 * <p>Forward passes read {@link #var()}; an optimizer computes {@code θ'} from {@code θ} and
 * {@code ∂L/∂θ} and installs it with {@link #set}, which makes a fresh leaf. Graphs recorded before the
 * step keep the old leaf, so they stay valid. Equality is identity.
 */
public final class Parameter {
    private final String name;
    private Var var;

    /**
     * @param name a label for error messages
     * @param value the initial value {@code θ_0}
     */
    public Parameter(String name, Tensor value) {
        this.name = name;
        this.var = Var.param(value);
    }

    /** @return the label */
    public String name() {
        return name;
    }

    /** @return the current leaf {@code Var.param(θ)}, to be used in forward passes */
    public Var var() {
        return var;
    }

    /** @return the current value {@code θ} */
    public Tensor value() {
        return var.value();
    }

    /**
     * Replaces {@code θ} by {@code value} (a new leaf; earlier graphs are unaffected).
     *
     * @throws IllegalArgumentException if the shape changes
     */
    public void set(Tensor value) {
        if (!value.sameShape(var.value())) {
            throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(var.shape())
                    + ", new value has shape " + Arrays.toString(value.shape()));
        }
        var = Var.param(value);
    }

    /** @return the current leaves of {@code parameters}, in order */
    static Var[] leaves(List<Parameter> parameters) {
        Var[] v = new Var[parameters.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = parameters.get(i).var();
        }
        return v;
    }

    @Override
    public String toString() {
        return "Parameter '" + name + "' " + var.value();
    }
}
