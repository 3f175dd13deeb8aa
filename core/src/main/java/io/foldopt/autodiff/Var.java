package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node of a reverse-mode automatic-differentiation graph: a {@link Tensor} value, and for a
 * recorded operation its operands and VJP rule.
 *
 * <p>Leaves are made with {@link #param} (requires a gradient) or {@link #constant}. An operation
 * records a node when {@link GradMode} is on and some operand requires a gradient; otherwise its
 * result is a constant. Nodes are numbered in creation order, which is a topological order of the
 * graph. Nodes are immutable, so one recorded graph can be differentiated many times and from
 * several threads ({@link Autodiff#vjp}).
 */
public final class Var {
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final Tensor value;
    private final long id;
    private final Var[] inputs;
    private final Backward backward;
    private final boolean requiresGrad;

    private Var(Tensor value, Var[] inputs, Backward backward, boolean requiresGrad) {
        this.value = value;
        this.inputs = inputs;
        this.backward = backward;
        this.requiresGrad = requiresGrad;
        this.id = NEXT_ID.getAndIncrement();
    }

    /** @return a leaf that requires a gradient */
    public static Var param(Tensor value) {
        return new Var(value, null, null, true);
    }

    /** @return a leaf that requires no gradient */
    public static Var constant(Tensor value) {
        return new Var(value, null, null, false);
    }

    /** @return a constant scalar */
    public static Var scalar(double value) {
        return constant(Tensor.scalar(value));
    }

    /**
     * Creates the result of an operation: recorded with its operands and rule if {@link GradMode} is
     * on and an operand requires a gradient, otherwise a constant. This is also the way to add an
     * operation with a hand-written VJP rule.
     *
     * @param value the value of the operation
     * @param inputs the operands
     * @param backward the VJP rule for the operands
     */
    public static Var op(Tensor value, Var[] inputs, Backward backward) {
        if (GradMode.isEnabled()) {
            for (Var in : inputs) {
                if (in.requiresGrad) {
                    return new Var(value, inputs.clone(), backward, true);
                }
            }
        }
        return constant(value);
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
        return inputs == null;
    }

    /** @return the creation number; every operand has a smaller number than its result */
    public long id() {
        return id;
    }

    Var[] inputs() {
        return inputs;
    }

    /** @return the operands of the operation that made this node (empty for a leaf) */
    public Var[] operands() {
        return inputs == null ? new Var[0] : inputs.clone();
    }

    Backward backward() {
        return backward;
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
