package io.foldopt.autodiff;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Differentiable reductions: sums and means over all elements or one axis, row-wise dot products,
 * and norms over the last axis ({@code ||x_b||_2}, {@code ||x_b||_1}, {@code ||x_b||_inf}).
 *
 * <p>Subgradient choices: {@code d||x||_2 = 0} at {@code x = 0}; {@code ||x||_inf} sends the
 * cotangent to the first entry of largest magnitude.
 */
public final class Reductions {
    private Reductions() {}

    /** @return the sum of all elements, a scalar */
    public static Var sum(Var x) {
        double s = 0;
        for (double v : x.value().data()) {
            s += v;
        }
        int[] shape = x.shape();
        return Var.op(Tensor.scalar(s), new Var[] {x}, (i, g) -> Structure.broadcastTo(g, shape));
    }

    /** @return the mean of all elements, a scalar */
    public static Var mean(Var x) {
        return Arithmetic.scale(sum(x), 1.0 / x.value().size());
    }

    /** @return the sum over {@code axis} (negative counts from the end); the axis is removed */
    public static Var sum(Var x, int axis) {
        int[] shape = x.shape();
        int ax = axis < 0 ? shape.length + axis : axis;
        if (ax < 0 || ax >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " outside shape " + Arrays.toString(shape));
        }
        int len = shape[ax];
        int inner = 1;
        for (int k = ax + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        int outer = x.value().size() / Math.max(1, len * inner);
        double[] src = x.value().data();
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int a = 0; a < len; a++) {
                int base = (o * len + a) * inner;
                for (int j = 0; j < inner; j++) {
                    out[o * inner + j] += src[base + j];
                }
            }
        }
        int[] reduced = new int[shape.length - 1];
        int[] kept = shape.clone();
        kept[ax] = 1;
        for (int k = 0, r = 0; k < shape.length; k++) {
            if (k != ax) {
                reduced[r++] = shape[k];
            }
        }
        return Var.op(Tensor.wrap(out, reduced), new Var[] {x},
                (i, g) -> Structure.broadcastTo(Structure.reshape(g, kept), shape));
    }

    /** @return the mean over {@code axis}; the axis is removed */
    public static Var mean(Var x, int axis) {
        int len = x.dim(axis);
        return Arithmetic.scale(sum(x, axis), 1.0 / len);
    }

    /** @return {@code sum_j a_j b_j} over the last axis (row-wise dot product, broadcasting) */
    public static Var dot(Var a, Var b) {
        return sum(Arithmetic.mul(a, b), -1);
    }

    /** @return {@code ||x||_2} over the last axis */
    public static Var norm2(Var x) {
        Var sq = sum(Arithmetic.mul(x, x), -1);
        Tensor n = sq.value().map(Math::sqrt);
        return Var.op(n, new Var[] {x}, (i, g) -> {
            // d||x|| = x / ||x||, taken as 0 where ||x|| = 0 (x is 0 there, so adding 1 is harmless).
            Var safe = Arithmetic.add(norm2(x), Var.constant(n.map(v -> v == 0 ? 1.0 : 0.0)));
            Var scaled = Arithmetic.div(g, safe);
            return Arithmetic.mul(x, Structure.reshape(scaled, keepLast(x.shape())));
        });
    }

    /** @return {@code ||x||_1} over the last axis */
    public static Var norm1(Var x) {
        return sum(Elementwise.abs(x), -1);
    }

    /** @return {@code ||x||_inf} over the last axis */
    public static Var normInf(Var x) {
        int n = x.dim(-1);
        double[] src = x.value().data();
        int rows = src.length / Math.max(1, n);
        double[] out = new double[rows];
        double[] pick = new double[src.length];
        for (int r = 0; r < rows; r++) {
            int best = r * n;
            for (int j = r * n; j < (r + 1) * n; j++) {
                if (Math.abs(src[j]) > Math.abs(src[best])) {
                    best = j;
                }
            }
            out[r] = Math.abs(src[best]);
            pick[best] = Math.signum(src[best]);
        }
        int[] shape = x.shape();
        Tensor mask = Tensor.wrap(pick, shape);
        return Var.op(Tensor.wrap(out, Arrays.copyOf(shape, shape.length - 1)), new Var[] {x},
                (i, g) -> Arithmetic.mul(Structure.reshape(g, keepLast(shape)), Var.constant(mask)));
    }

    /** @return {@code shape} with its last axis set to 1 */
    private static int[] keepLast(int[] shape) {
        int[] k = shape.clone();
        k[k.length - 1] = 1;
        return k;
    }
}
