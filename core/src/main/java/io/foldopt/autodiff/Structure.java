package io.foldopt.autodiff;

import io.foldopt.tensor.Shapes;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Differentiable shape operations: reshape, broadcasting to a shape and its adjoint (summing back),
 * slicing and concatenating along the last (feature) axis.
 */
public final class Structure {
    private Structure() {}

    /** @return the values of {@code x} with shape {@code shape} (same number of elements) */
    public static Var reshape(Var x, int... shape) {
        int[] from = x.shape();
        if (Arrays.equals(from, shape)) {
            return x;
        }
        return Var.op(x.value().reshape(shape), new Var[] {x}, (i, g) -> reshape(g, from));
    }

    /** @return {@code x} broadcast (numpy rules) to {@code shape} */
    public static Var broadcastTo(Var x, int... shape) {
        int[] from = x.shape();
        if (Arrays.equals(from, shape)) {
            return x;
        }
        if (!Arrays.equals(Shapes.broadcast(from, shape), shape)) {
            throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(from) + " to "
                    + Arrays.toString(shape));
        }
        Tensor v = io.foldopt.tensor.Kernels.binary(Tensor.zeros(shape), x.value(),
                io.foldopt.tensor.Kernels.BinaryOp.ADD);
        return Var.op(v, new Var[] {x}, (i, g) -> sumTo(g, from));
    }

    /** @return {@code x} summed over broadcast axes down to {@code shape} (adjoint of broadcastTo) */
    public static Var sumTo(Var x, int... shape) {
        int[] from = x.shape();
        if (Arrays.equals(from, shape)) {
            return x;
        }
        return Var.op(Shapes.sumTo(x.value(), shape), new Var[] {x}, (i, g) -> broadcastTo(g, from));
    }

    /** @return the columns {@code [from, to)} of the last axis of {@code x} */
    public static Var slice(Var x, int from, int to) {
        int n = x.dim(-1);
        if (from < 0 || to > n || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside last axis of size " + n);
        }
        int w = to - from;
        double[] src = x.value().data();
        int rows = leadingRows(x);
        double[] out = new double[rows * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * n + from, out, r * w, w);
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = w;
        return Var.op(Tensor.wrap(out, shape), new Var[] {x}, (i, g) -> embed(g, from, n));
    }

    /**
     * @return {@code x} placed at columns {@code [from, from + width)} of a zero tensor whose last axis
     *     has size {@code n} (adjoint of {@link #slice})
     */
    public static Var embed(Var x, int from, int n) {
        int w = x.dim(-1);
        if (from < 0 || from + w > n) {
            throw new IllegalArgumentException("embed of width " + w + " at " + from + " exceeds size " + n);
        }
        double[] src = x.value().data();
        int rows = leadingRows(x);
        double[] out = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * w, out, r * n + from, w);
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        return Var.op(Tensor.wrap(out, shape), new Var[] {x}, (i, g) -> slice(g, from, from + w));
    }

    /** @return the operands joined along the last axis; all other axes must agree */
    public static Var concat(Var... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat needs at least one operand");
        }
        Var[] ops = parts.clone();
        int[] first = ops[0].shape();
        if (first.length == 0) {
            throw new IllegalArgumentException("concat: operand 0 has shape [], operands need a last axis");
        }
        int[] lead = Arrays.copyOf(first, first.length - 1);
        int total = 0;
        int[] offsets = new int[ops.length];
        int[] widths = new int[ops.length];
        for (int p = 0; p < ops.length; p++) {
            int[] s = ops[p].shape();
            if (s.length != lead.length + 1 || !Arrays.equals(Arrays.copyOf(s, s.length - 1), lead)) {
                throw new IllegalArgumentException("concat: operand " + p + " has shape " + Arrays.toString(s)
                        + ", operand 0 has " + Arrays.toString(first));
            }
            offsets[p] = total;
            widths[p] = s[s.length - 1];
            total += widths[p];
        }
        int rows = Shapes.size(lead);
        double[] out = new double[rows * total];
        for (int p = 0; p < ops.length; p++) {
            double[] src = ops[p].value().data();
            int w = widths[p];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, r * w, out, r * total + offsets[p], w);
            }
        }
        int[] shape = Arrays.copyOf(lead, lead.length + 1);
        shape[lead.length] = total;
        return Var.op(Tensor.wrap(out, shape), ops, (i, g) -> slice(g, offsets[i], offsets[i] + widths[i]));
    }

    /** @return the number of rows of {@code x} seen as {@code (rows, last axis)}, also when the last axis is empty */
    private static int leadingRows(Var x) {
        int[] shape = x.shape();
        return Shapes.size(Arrays.copyOf(shape, Math.max(0, shape.length - 1)));
    }
}
