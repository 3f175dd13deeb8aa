package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reverse pass compiled once for fixed outputs {@code y_1..y_m} and inputs {@code x_1..x_k} of a
 * recorded graph, applied to many cotangents: {@code apply(w) = (sum_j w_j^T dy_j/dx_i)_i}.
 *
 * <p>Compilation keeps only the nodes that lie on a path from an input to an output, in reverse
 * creation order; each application then walks that list once. Inputs may be any nodes, not only
 * leaves; the result is the total derivative, including paths that pass through other inputs, or,
 * for a plan made by {@link Autodiff#partialPlan}, the partial derivative that stops at the inputs.
 * A plan holds no mutable state, so it may be applied concurrently.
 */
public final class VjpPlan {
    private final Var[] outputs;
    private final Var[] inputs;
    /** Relevant nodes in decreasing creation order. */
    private final Var[] nodes;
    /** For each node, the slot of each operand, or -1 if the operand is not relevant. */
    private final int[][] operandSlots;
    private final int[] outputSlots;
    private final int[] inputSlots;

    /** Whether derivatives stop at the inputs (partial) instead of passing through them (total). */
    private final boolean stopAtInputs;

    VjpPlan(Var[] outputs, Var[] inputs, boolean stopAtInputs) {
        this.stopAtInputs = stopAtInputs;
        this.outputs = outputs.clone();
        this.inputs = inputs.clone();
        long minInput = Long.MAX_VALUE;
        Map<Var, Boolean> isInput = new IdentityHashMap<>();
        for (Var x : inputs) {
            minInput = Math.min(minInput, x.id());
            isInput.put(x, Boolean.TRUE);
        }
        // Ancestors of the outputs that are not older than the oldest input.
        Map<Var, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Var> stack = new ArrayDeque<>();
        for (Var y : outputs) {
            if (y.id() >= minInput && seen.put(y, Boolean.TRUE) == null) {
                stack.push(y);
            }
        }
        List<Var> ancestors = new ArrayList<>();
        while (!stack.isEmpty()) {
            Var v = stack.pop();
            ancestors.add(v);
            if (v.inputs() != null && !(stopAtInputs && isInput.containsKey(v))) {
                for (Var p : v.inputs()) {
                    if (p.requiresGrad() && p.id() >= minInput && seen.put(p, Boolean.TRUE) == null) {
                        stack.push(p);
                    }
                }
            }
        }
        ancestors.sort(Comparator.comparingLong(Var::id));
        // Keep the ancestors that depend on an input (forward sweep in creation order).
        Map<Var, Boolean> reaches = new IdentityHashMap<>();
        List<Var> kept = new ArrayList<>();
        for (Var v : ancestors) {
            boolean r = isInput.containsKey(v);
            if (!r && v.inputs() != null) {
                for (Var p : v.inputs()) {
                    if (reaches.containsKey(p)) {
                        r = true;
                        break;
                    }
                }
            }
            if (r) {
                reaches.put(v, Boolean.TRUE);
                kept.add(v);
            }
        }
        int count = kept.size();
        nodes = new Var[count];
        Map<Var, Integer> slot = new IdentityHashMap<>();
        for (int s = 0; s < count; s++) {
            nodes[s] = kept.get(count - 1 - s);
            slot.put(nodes[s], s);
        }
        operandSlots = new int[count][];
        for (int s = 0; s < count; s++) {
            Var[] ops = nodes[s].inputs();
            int[] slots = new int[ops == null ? 0 : ops.length];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = slot.getOrDefault(ops[i], -1);
            }
            operandSlots[s] = slots;
        }
        outputSlots = new int[outputs.length];
        for (int j = 0; j < outputs.length; j++) {
            outputSlots[j] = slot.getOrDefault(outputs[j], -1);
        }
        inputSlots = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputSlots[i] = slot.getOrDefault(inputs[i], -1);
        }
    }

    /** @return the number of recorded operations the reverse pass visits */
    public int size() {
        return nodes.length;
    }

    /**
     * First-order VJP: the backward rules run without recording.
     *
     * @param cotangents one per output, shaped like it
     * @return the cotangent of each input, shaped like it (zeros if the input does not reach an output)
     */
    public Tensor[] apply(Tensor... cotangents) {
        Var[] w = new Var[cotangents.length];
        for (int j = 0; j < w.length; j++) {
            w[j] = Var.constant(cotangents[j]);
        }
        Var[] g = GradMode.noGrad(() -> run(w));
        Tensor[] out = new Tensor[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = g[i].value();
        }
        return out;
    }

    /**
     * VJP whose backward pass is itself recorded when {@code createGraph} is true, so that its
     * results can be differentiated again (Hessian-vector products).
     */
    public Var[] apply(Var[] cotangents, boolean createGraph) {
        return createGraph ? GradMode.withGrad(() -> run(cotangents)) : GradMode.noGrad(() -> run(cotangents));
    }

    private Var[] run(Var[] cotangents) {
        if (cotangents.length != outputs.length) {
            throw new IllegalArgumentException("expected " + outputs.length + " cotangents, got " + cotangents.length);
        }
        Var[] grads = new Var[nodes.length];
        for (int j = 0; j < outputs.length; j++) {
            if (!outputs[j].value().sameShape(cotangents[j].value())) {
                throw new IllegalArgumentException("cotangent " + j + " has shape "
                        + Arrays.toString(cotangents[j].shape()) + ", output has shape "
                        + Arrays.toString(outputs[j].shape()));
            }
            int s = outputSlots[j];
            if (s >= 0) {
                grads[s] = grads[s] == null ? cotangents[j] : Arithmetic.add(grads[s], cotangents[j]);
            }
        }
        boolean[] keep = new boolean[nodes.length];
        for (int s : inputSlots) {
            if (s >= 0) {
                keep[s] = true;
            }
        }
        for (int s = 0; s < nodes.length; s++) {
            Var g = grads[s];
            if (g == null || stopAtInputs && keep[s]) {
                continue;
            }
            int[] slots = operandSlots[s];
            Backward rule = nodes[s].backward();
            for (int i = 0; i < slots.length; i++) {
                int p = slots[i];
                if (p < 0) {
                    continue;
                }
                Var c = rule.grad(i, g);
                grads[p] = grads[p] == null ? c : Arithmetic.add(grads[p], c);
            }
            if (!keep[s]) {
                grads[s] = null;
            }
        }
        Var[] out = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            int s = inputSlots[i];
            Var g = s >= 0 ? grads[s] : null;
            out[i] = g != null ? g : Var.constant(Tensor.zeros(inputs[i].shape()));
        }
        return out;
    }
}
