package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A node of a reverse-mode automatic-differentiation graph: a {@link Tensor} value, and for an
 * output of a recorded {@link Operation} that operation (its operands and VJP rule).
 *
 * <p>Leaves are made with {@link #param} (requires a gradient) or {@link #constant}. An
 * {@link Operation} has one or several output nodes; it records them when {@link GradMode} is on and
 * some operand requires a gradient, otherwise its results are constants. Nodes are numbered in
 * creation order, which is a topological order of the graph. Nodes are immutable, so one recorded
 * graph can be differentiated many times and from several threads ({@link Autodiff#vjp}).
 */
public final class Var {
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final Tensor value;
    private final long id;
    /** The operation this node is an output of; null for a leaf. */
    private final Operation operation;
    private final boolean requiresGrad;

    private Var(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.operation = null;
        this.requiresGrad = requiresGrad;
        this.id = NEXT_ID.getAndIncrement();
    }

    /** An output of a recorded operation. */
    Var(Tensor value, Operation operation) {
        this.value = value;
        this.operation = operation;
        this.requiresGrad = true;
        this.id = NEXT_ID.getAndIncrement();
    }

    /** @return a leaf that requires a gradient */
    public static Var param(Tensor value) {
        return new Var(value, true);
    }

    /** @return a leaf that requires no gradient */
    public static Var constant(Tensor value) {
        return new Var(value, false);
    }

    /** @return a constant scalar */
    public static Var scalar(double value) {
        return constant(Tensor.scalar(value));
    }

    /**
     * Creates the result of a single-output operation with a per-input VJP rule: recorded with its operands
     * and rule if {@link GradMode} is on and an operand requires a gradient, otherwise a constant. The
     * short form of {@link Operation#record} for simple operations; operations whose gradients share work,
     * or that have several outputs, use {@link Operation#record} or {@link Operation#recordFirstOrder}.
     *
     * @param value the value of the operation
     * @param inputs the operands
     * @param backward the VJP rule, called for each operand that needs a gradient
     */
    public static Var op(Tensor value, Var[] inputs, Backward backward) {
        return op(value, inputs, backward, null);
    }

    /** {@link #op} with the linear forms of the first-order VJP (see {@link Operation#record}), or null. */
    static Var op(Tensor value, Var[] inputs, Backward backward, IntFunction<LinearVjp> linear) {
        return Operation.record("Var.op", new Tensor[] {value}, inputs, (g, needsGrad) -> {
            Var[] out = new Var[needsGrad.length];
            for (int i = 0; i < out.length; i++) {
                if (needsGrad[i]) {
                    out[i] = backward.grad(i, g[0]);
                }
            }
            return out;
        }, linear)[0];
    }

    /** @return the value */
    public Tensor value() {
        return value;
    }

    /** @return the single value of a one-element node */
    public double item() {
        return value.item();
    }

    /** @return whether gradients flow to or through this node */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** @return true if this node was made by {@link #param} or {@link #constant} */
    public boolean isLeaf() {
        return operation == null;
    }

    /** @return the creation number; every operand has a smaller number than its result */
    public long id() {
        return id;
    }

    /** @return the operation this node is an output of, or null for a leaf */
    Operation operation() {
        return operation;
    }

    /** @return the operands of the operation that made this node (empty for a leaf) */
    public Var[] operands() {
        return operation == null ? new Var[0] : operation.inputs().clone();
    }

    /** @return this node's value as a constant, cut from the graph */
    public Var detach() {
        return constant(value);
    }

    /** @return the shape of the value */
    public int[] shape() {
        return value.shape();
    }

    /** @return the number of axes of the value */
    public int rank() {
        return value.rank();
    }

    /** @return the size of axis {@code axis} of the value (negative axes count from the end) */
    public int dim(int axis) {
        return value.dim(axis);
    }

    // ---- fluent access to the operations ----

    /** @return {@code this + other} (broadcasting) */
    public Var add(Var other) {
        return Arithmetic.add(this, other);
    }

    /** @return {@code this + s} */
    public Var add(double s) {
        return Arithmetic.add(this, scalar(s));
    }

    /** @return {@code this - other} (broadcasting) */
    public Var sub(Var other) {
        return Arithmetic.sub(this, other);
    }

    /** @return {@code this * other} elementwise (broadcasting) */
    public Var mul(Var other) {
        return Arithmetic.mul(this, other);
    }

    /** @return {@code s * this} */
    public Var mul(double s) {
        return Arithmetic.scale(this, s);
    }

    /** @return {@code this / other} elementwise (broadcasting) */
    public Var div(Var other) {
        return Arithmetic.div(this, other);
    }

    /** @return {@code -this} */
    public Var neg() {
        return Arithmetic.scale(this, -1.0);
    }

    /** @return {@code this ^ p} elementwise */
    public Var pow(double p) {
        return Elementwise.pow(this, p);
    }

    /** @return {@code this ^ p} elementwise, differentiable in both */
    public Var pow(Var p) {
        return Arithmetic.pow(this, p);
    }

    /** @return {@code exp(this)} */
    public Var exp() {
        return Elementwise.exp(this);
    }

    /** @return {@code log(this)} */
    public Var log() {
        return Elementwise.log(this);
    }

    /** @return {@code sin(this)} */
    public Var sin() {
        return Elementwise.sin(this);
    }

    /** @return {@code cos(this)} */
    public Var cos() {
        return Elementwise.cos(this);
    }

    /** @return {@code tanh(this)} */
    public Var tanh() {
        return Elementwise.tanh(this);
    }

    /** @return {@code 1 / (1 + exp(-this))} */
    public Var sigmoid() {
        return Elementwise.sigmoid(this);
    }

    /** @return {@code max(this, 0)} */
    public Var relu() {
        return Elementwise.relu(this);
    }

    /** @return {@code log(1 + exp(this))} */
    public Var softplus() {
        return Elementwise.softplus(this);
    }

    /** @return {@code |this|} */
    public Var abs() {
        return Elementwise.abs(this);
    }

    /** @return {@code sqrt(this)} */
    public Var sqrt() {
        return Elementwise.sqrt(this);
    }

    /** @return {@code this} clipped to {@code [lo, hi]} elementwise */
    public Var clamp(double lo, double hi) {
        return Elementwise.clamp(this, lo, hi);
    }

    /** @return the elementwise minimum (broadcasting) */
    public Var min(Var other) {
        return Arithmetic.minimum(this, other);
    }

    /** @return the elementwise maximum (broadcasting) */
    public Var max(Var other) {
        return Arithmetic.maximum(this, other);
    }

    /** @return {@code this * mask} for a constant 0/1 (or any constant) mask */
    public Var mask(Tensor mask) {
        return Arithmetic.mul(this, constant(mask));
    }

    /** @return the matrix product (see {@link LinearAlgebra#matmul}) */
    public Var matmul(Var other) {
        return LinearAlgebra.matmul(this, other);
    }

    /** @return the last two axes swapped */
    public Var transpose() {
        return LinearAlgebra.transpose(this);
    }

    /** @return the sum of all elements (a scalar) */
    public Var sum() {
        return Reductions.sum(this);
    }

    /** @return the sum over {@code axis} (the axis is removed) */
    public Var sum(int axis) {
        return Reductions.sum(this, axis);
    }

    /** @return the mean of all elements */
    public Var mean() {
        return Reductions.mean(this);
    }

    /** @return the mean over {@code axis} */
    public Var mean(int axis) {
        return Reductions.mean(this, axis);
    }

    /** @return the same values with another shape */
    public Var reshape(int... shape) {
        return Structure.reshape(this, shape);
    }

    /** @return the columns {@code [from, to)} of the last axis */
    public Var slice(int from, int to) {
        return Structure.slice(this, from, to);
    }

    @Override
    public String toString() {
        return "Var#" + id + (requiresGrad ? "(grad) " : " ") + value;
    }
}
