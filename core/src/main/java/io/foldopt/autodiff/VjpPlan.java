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
 * <p>Compilation keeps only the operations that lie on a path from an input to an output, in reverse
 * creation order; each application then walks that list once and calls each operation's
 * {@link VjpRule} once, with the accumulated cotangents of all its outputs. Inputs may be any nodes, not only
 * leaves; the result is the total derivative, including paths that pass through other inputs, or,
 * for a plan made by {@link Autodiff#partialPlan}, the partial derivative that stops at the inputs.
 * A plan holds no mutable state, so it may be applied concurrently.
 */
public final class VjpPlan {
    private final Var[] outputs;
    private final Var[] inputs;
    /** Relevant operations in decreasing creation order. */
    private final Operation[] operations;
    /** For each operation, the slot of each output whose cotangent flows through it, or -1. */
    private final int[][] resultSlots;
    /** For each operation, the slot of each operand, or -1 if the operand needs no gradient. */
    private final int[][] operandSlots;
    /** For each operation, whether each operand needs a gradient. */
    private final boolean[][] needsGrad;
    /** Number of relevant nodes, one cotangent slot each. */
    private final int slotCount;
    private final int[] outputSlots;
    private final int[] inputSlots;

    VjpPlan(Var[] outputs, Var[] inputs, boolean stopAtInputs) {
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
            if (propagates(v, stopAtInputs, isInput)) {
                for (Var p : v.operation().inputs()) {
                    if (p.requiresGrad() && p.id() >= minInput && seen.put(p, Boolean.TRUE) == null) {
                        stack.push(p);
                    }
                }
            }
        }
        ancestors.sort(Comparator.comparingLong(Var::id));
        // Keep the ancestors that depend on an input (forward sweep in creation order).
        Map<Var, Integer> slot = new IdentityHashMap<>();
        Map<Operation, Boolean> relevant = new IdentityHashMap<>();
        List<Operation> kept = new ArrayList<>();
        for (Var v : ancestors) {
            boolean r = isInput.containsKey(v);
            if (!r && v.operation() != null) {
                for (Var p : v.operation().inputs()) {
                    if (slot.containsKey(p)) {
                        r = true;
                        break;
                    }
                }
            }
            if (r) {
                slot.put(v, slot.size());
                if (propagates(v, stopAtInputs, isInput) && relevant.put(v.operation(), Boolean.TRUE) == null) {
                    kept.add(v.operation());
                }
            }
        }
        slotCount = slot.size();
        kept.sort(Comparator.comparingLong(Operation::order).reversed());
        operations = kept.toArray(new Operation[0]);
        resultSlots = new int[operations.length][];
        operandSlots = new int[operations.length][];
        needsGrad = new boolean[operations.length][];
        for (int k = 0; k < operations.length; k++) {
            Var[] outs = operations[k].outputs();
            resultSlots[k] = new int[outs.length];
            for (int j = 0; j < outs.length; j++) {
                Var y = outs[j];
                resultSlots[k][j] = propagates(y, stopAtInputs, isInput) ? slot.getOrDefault(y, -1) : -1;
            }
            Var[] ops = operations[k].inputs();
            operandSlots[k] = new int[ops.length];
            needsGrad[k] = new boolean[ops.length];
            for (int i = 0; i < ops.length; i++) {
                operandSlots[k][i] = slot.getOrDefault(ops[i], -1);
                needsGrad[k][i] = operandSlots[k][i] >= 0;
            }
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

    /** @return whether the cotangent of {@code v} flows on to the operands of the operation that made it */
    private static boolean propagates(Var v, boolean stopAtInputs, Map<Var, Boolean> isInput) {
        return v.operation() != null && !(stopAtInputs && isInput.containsKey(v));
    }

    /** @return the relevant operations, in decreasing creation order */
    Operation[] operations() {
        return operations;
    }

    /** @return the cotangent slot of output {@code j} of operation {@code k} (-1 if none flows through it) */
    int resultSlot(int k, int j) {
        return resultSlots[k][j];
    }

    /** @return the cotangent slot of operand {@code i} of operation {@code k} (-1 if it needs no gradient) */
    int operandSlot(int k, int i) {
        return operandSlots[k][i];
    }

    /** @return the number of cotangent slots */
    int slotCount() {
        return slotCount;
    }

    /** @return the slot of output {@code j} of the plan (-1 if it does not depend on an input) */
    int outputSlot(int j) {
        return outputSlots[j];
    }

    /** @return the slot of input {@code i} of the plan (-1 if it does not reach an output) */
    int inputSlot(int i) {
        return inputSlots[i];
    }

    /** @return the number of recorded operations the reverse pass visits */
    public int size() {
        return operations.length;
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
        Var[] grads = new Var[slotCount];
        for (int j = 0; j < outputs.length; j++) {
            if (!outputs[j].value().sameShape(cotangents[j].value())) {
                throw new IllegalArgumentException("cotangent " + j + " has shape "
                        + Arrays.toString(cotangents[j].shape()) + ", output has shape "
                        + Arrays.toString(outputs[j].shape()));
            }
            accumulate(grads, outputSlots[j], cotangents[j]);
        }
        boolean[] keep = new boolean[slotCount];
        for (int s : inputSlots) {
            if (s >= 0) {
                keep[s] = true;
            }
        }
        for (int k = 0; k < operations.length; k++) {
            int[] results = resultSlots[k];
            Var[] g = new Var[results.length];
            boolean reached = false;
            for (int j = 0; j < results.length; j++) {
                if (results[j] >= 0 && grads[results[j]] != null) {
                    g[j] = grads[results[j]];
                    reached = true;
                }
            }
            if (!reached) {
                continue;
            }
            Var[] outs = operations[k].outputs();
            for (int j = 0; j < g.length; j++) {
                if (g[j] == null) {
                    g[j] = Var.constant(Tensor.zeros(outs[j].shape()));
                }
            }
            Var[] c = operations[k].backward(g, needsGrad[k]);
            int[] slots = operandSlots[k];
            for (int i = 0; i < slots.length; i++) {
                accumulate(grads, slots[i], c[i]);
            }
            for (int s : results) {
                if (s >= 0 && !keep[s]) {
                    grads[s] = null;
                }
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

    /** Adds {@code g} to the cotangent in slot {@code s} (no-op for slot -1). */
    private static void accumulate(Var[] grads, int s, Var g) {
        if (s >= 0) {
            grads[s] = grads[s] == null ? g : Arithmetic.add(grads[s], g);
        }
    }
}
