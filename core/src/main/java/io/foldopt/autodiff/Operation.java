package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One recorded operation {@code (y_0, ..., y_{m-1}) = op(x_0, ..., x_{k-1})} of a graph: its operands, its
 * output nodes and its {@link VjpRule}. A backward pass calls the rule once per operation, after the
 * cotangents of all its outputs are accumulated.
 *
 * <p>{@link #record} and {@link #recordFirstOrder} add custom operations, with one or several outputs. As
 * with every operation, the outputs are recorded only when {@link GradMode} is on and some operand requires
 * a gradient; otherwise they are constants and the rule is never called.
 */
public final class Operation {
    private final String name;
    private final Var[] inputs;
    private final VjpRule rule;
    private final Var[] outputs;
    /** Per operand, the linear form of the first-order VJP (null where it has none); null for most operations. */
    private final IntFunction<LinearVjp> linear;

    private Operation(String name, Var[] inputs, VjpRule rule, Tensor[] values, IntFunction<LinearVjp> linear) {
        this.name = name;
        this.inputs = inputs;
        this.rule = rule;
        this.linear = linear;
        this.outputs = new Var[values.length];
        for (int j = 0; j < values.length; j++) {
            outputs[j] = new Var(values[j], this);
        }
    }

    /**
     * Records an operation whose rule is written with {@link Var} operations (differentiable again if they
     * are).
     *
     * @param name what the operation is, for messages
     * @param values the values of the outputs {@code y_0, ..., y_{m-1}}
     * @param inputs the operands {@code x_0, ..., x_{k-1}}
     * @param rule the VJP rule for all operands at once
     * @return the outputs, in the order of {@code values}
     */
    public static Var[] record(String name, Tensor[] values, Var[] inputs, VjpRule rule) {
        return record(name, values, inputs, rule, null);
    }

    /**
     * {@link #record} for an operation whose first-order VJP with respect to operand {@code i} is also given as
     * {@code linear.apply(i)} (null where it has no {@link LinearVjp} form), for {@link FusedVjpPlan}.
     */
    static Var[] record(String name, Tensor[] values, Var[] inputs, VjpRule rule, IntFunction<LinearVjp> linear) {
        if (values == null || values.length == 0 || inputs == null || rule == null) {
            throw new IllegalArgumentException("operation '" + name + "' needs at least one output value, its"
                    + " operands and a VJP rule");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException("operand " + i + " of operation '" + name + "' is null");
            }
        }
        for (int j = 0; j < values.length; j++) {
            if (values[j] == null) {
                throw new IllegalArgumentException("output " + j + " of operation '" + name + "' is null");
            }
        }
        if (GradMode.isEnabled()) {
            for (Var in : inputs) {
                if (in.requiresGrad()) {
                    return new Operation(name, inputs.clone(), rule, values, linear).outputs.clone();
                }
            }
        }
        Var[] out = new Var[values.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = Var.constant(values[j]);
        }
        return out;
    }

    /**
     * Records an operation whose rule computes plain tensors. Differentiating its gradients again throws
     * {@link UnsupportedOperationException} naming the operation (see {@link FirstOrderRule}).
     *
     * @param name what the operation is, for messages
     * @param values the values of the outputs
     * @param inputs the operands
     * @param rule the first-order VJP rule for all operands at once
     * @return the outputs, in the order of {@code values}
     */
    public static Var[] recordFirstOrder(String name, Tensor[] values, Var[] inputs, FirstOrderRule rule) {
        if (rule == null) {
            throw new IllegalArgumentException("operation '" + name + "' needs a VJP rule");
        }
        return record(name, values, inputs, (g, needsGrad) -> firstOrderVjp(name, inputs, rule, g, needsGrad));
    }

    /**
     * Runs a first-order rule with recording off. When the pass creates a graph, its gradients become the
     * outputs of a node that depends on the cotangents and the operands and whose rule throws: the true
     * second derivative is unknown, and a zero would be silently wrong.
     */
    private static Var[] firstOrderVjp(String name, Var[] inputs, FirstOrderRule rule, Var[] g, boolean[] needsGrad) {
        Tensor[] gv = new Tensor[g.length];
        for (int j = 0; j < g.length; j++) {
            gv[j] = g[j].value();
        }
        Tensor[] t = GradMode.noGrad(() -> rule.vjp(gv, needsGrad));
        if (t == null || t.length != inputs.length) {
            throw new IllegalStateException("the VJP rule of operation '" + name + "' returned "
                    + (t == null ? "null" : t.length + " gradients") + " for " + inputs.length + " operands");
        }
        Var[] out = new Var[t.length];
        int[] slots = new int[t.length];
        Tensor[] values = new Tensor[t.length];
        int count = 0;
        for (int i = 0; i < t.length; i++) {
            if (needsGrad[i] && t[i] != null) {
                slots[count] = i;
                values[count++] = t[i];
            }
        }
        if (count == 0) {
            return out;
        }
        Var[] operands = Arrays.copyOf(g, g.length + inputs.length);
        System.arraycopy(inputs, 0, operands, g.length, inputs.length);
        Var[] recorded = record(name + " gradient", Arrays.copyOf(values, count), operands, (h, needs) -> {
            throw new UnsupportedOperationException("cannot differentiate the gradient of operation '" + name
                    + "' again: its VJP rule is first order (it computes tensors, not recorded operations)."
                    + " Differentiate through it once only (a backward pass without createGraph), or record the"
                    + " operation with a VjpRule written with Var operations");
        });
        for (int c = 0; c < count; c++) {
            out[slots[c]] = recorded[c];
        }
        return out;
    }

    Var[] inputs() {
        return inputs;
    }

    /** @return the linear form of the first-order VJP for operand {@code i}, or null if it has none */
    LinearVjp linear(int i) {
        return linear == null || outputs.length != 1 ? null : linear.apply(i);
    }

    Var[] outputs() {
        return outputs;
    }

    /** @return the creation number of the first output; every operand is older, every consumer newer */
    long order() {
        return outputs[0].id();
    }

    /**
     * Runs the rule and checks its result.
     *
     * @throws IllegalStateException if the rule returns the wrong number of gradients, or a missing or
     *     misshaped gradient for an operand that needs one
     */
    Var[] backward(Var[] cotangents, boolean[] needsGrad) {
        Var[] r = rule.vjp(cotangents, needsGrad.clone());
        if (r == null || r.length != inputs.length) {
            throw new IllegalStateException("the VJP rule of operation '" + name + "' returned "
                    + (r == null ? "null" : r.length + " gradients") + " for " + inputs.length + " operands");
        }
        for (int i = 0; i < r.length; i++) {
            if (!needsGrad[i]) {
                continue;
            }
            if (r[i] == null) {
                throw new IllegalStateException("the VJP rule of operation '" + name + "' returned no gradient"
                        + " for operand " + i);
            }
            if (!r[i].value().sameShape(inputs[i].value())) {
                throw new IllegalStateException("the VJP rule of operation '" + name + "' returned a gradient of"
                        + " shape " + Arrays.toString(r[i].shape()) + " for operand " + i + " of shape "
                        + Arrays.toString(inputs[i].shape()));
            }
        }
        return r;
    }
}
