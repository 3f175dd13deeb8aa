package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry points of reverse-mode differentiation: vector-Jacobian products of recorded graphs.
 *
 * <p>{@code vjp(y, x, w)} returns {@code (dy/dx)^T w} for any nodes {@code x} of the graph of
 * {@code y}; {@code grad(loss, p_1, ..., p_k)} returns the gradients of a scalar loss. To apply the
 * same product many times (as the backward solvers do), compile it once with {@link #plan} and call
 * {@link VjpPlan#apply}. Operations with hand-written rules are recorded with {@link Operation}.
 */
public final class Autodiff {
    private Autodiff() {}

    /**
     * @return a compiled reverse pass from {@code outputs} to {@code inputs}: total derivatives, which
     *     include paths from an input through another input
     */
    public static VjpPlan plan(Var[] outputs, Var[] inputs) {
        return new VjpPlan(outputs, inputs, false);
    }

    /**
     * @return a compiled reverse pass whose derivatives stop at the inputs: each input's cotangent
     *     counts only the paths that reach it without passing through another input (what an operation
     *     that lists all of them as operands needs, so that the outer pass does not count a path twice)
     */
    public static VjpPlan partialPlan(Var[] outputs, Var[] inputs) {
        return new VjpPlan(outputs, inputs, true);
    }

    /**
     * @return the first-order VJP from {@code output} to {@code input} compiled into fused array passes (total
     *     derivative, like {@link #plan}), or empty when an operation on the path has no fusable form
     */
    public static java.util.Optional<FusedVjpPlan> fusedPlan(Var output, Var input) {
        return FusedVjpPlan.compile(output, input);
    }

    /** @return {@code (d outputs / d inputs)^T cotangents}, one tensor per input (first order) */
    public static Tensor[] vjp(Var[] outputs, Var[] inputs, Tensor[] cotangents) {
        return plan(outputs, inputs).apply(cotangents);
    }

    /**
     * @return the VJP as graph nodes; with {@code createGraph} they are recorded and can be
     *     differentiated again
     */
    public static Var[] vjp(Var[] outputs, Var[] inputs, Var[] cotangents, boolean createGraph) {
        return plan(outputs, inputs).apply(cotangents, createGraph);
    }

    /**
     * @return the gradients {@code dL/dp_i} of a one-element {@code loss} with respect to each parameter, in
     *     the parameters' order (zeros for a parameter the loss does not depend on)
     */
    public static Tensor[] grad(Var loss, Var... parameters) {
        if (loss.value().size() != 1) {
            throw new IllegalArgumentException("grad needs a one-element output; use vjp for shape "
                    + java.util.Arrays.toString(loss.shape()));
        }
        return vjp(new Var[] {loss}, parameters, new Tensor[] {Tensor.full(1.0, loss.shape())});
    }

    /**
     * @return {@code grad_x output} as a recorded node, differentiable again (for update maps
     *     written as {@code x - alpha grad_x f(x, c)}); where the path passes through an operation with a
     *     {@link FirstOrderRule} the value is exact, but differentiating it throws
     *     {@link UnsupportedOperationException}
     * @throws IllegalStateException if the gradient cannot have been recorded: the input does not
     *     require a gradient (a constant, or a value made under {@link GradMode#noGrad}), or recording
     *     is off and the output was not recorded. The gradient would otherwise silently be zero, for
     *     instance when an update map built with this method is iterated under {@code noGrad}.
     */
    public static Var gradGraph(Var output, Var input) {
        if (output.value().size() != 1) {
            throw new IllegalArgumentException("gradGraph needs a one-element output, shape is "
                    + java.util.Arrays.toString(output.shape()));
        }
        if (!input.requiresGrad()) {
            throw new IllegalStateException("gradGraph: the input does not require a gradient (a constant, or"
                    + " a value made under GradMode.noGrad), so the gradient was not recorded; evaluate the"
                    + " function on a Var.param inside GradMode.withGrad");
        }
        if (!output.requiresGrad() && !GradMode.isEnabled()) {
            throw new IllegalStateException("gradGraph: recording is off (GradMode.noGrad) and the output was"
                    + " not recorded, so its gradient is unknown; compute the output inside GradMode.withGrad");
        }
        return vjp(new Var[] {output}, new Var[] {input},
                new Var[] {Var.constant(Tensor.full(1.0, output.shape()))}, true)[0];
    }

    /**
     * @param output a node recorded from {@code leaf} (and possibly from earlier nodes)
     * @param leaf a leaf made just before the computation of {@code output}
     * @return the nodes recorded before {@code leaf} that {@code output} depends on and that require a gradient: the
     *     parameters the computation captured, in creation order
     */
    public static Var[] capturedInputs(Var output, Var leaf) {
        long start = leaf.id();
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        List<Var> external = new ArrayList<>();
        ArrayDeque<Var> stack = new ArrayDeque<>();
        stack.push(output);
        seen.put(output, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Var v = stack.pop();
            if (v.id() < start) {
                external.add(v);
                continue;
            }
            for (Var p : v.operands()) {
                if (p.requiresGrad() && seen.put(p, Boolean.TRUE) == null) {
                    stack.push(p);
                }
            }
        }
        external.sort(Comparator.comparingLong(Var::id));
        return external.toArray(new Var[0]);
    }
}
