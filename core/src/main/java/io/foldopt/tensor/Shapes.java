package io.foldopt.tensor;

import java.util.Arrays;

/**
 * Shape arithmetic: sizes, numpy-style broadcasting (trailing axes aligned, size-1 axes stretched)
 * and its adjoint {@link #sumTo}, which sums a broadcast result back to an operand's shape.
 */
public final class Shapes {
    private Shapes() {}

    /** @return the product of the dimensions */
    public static int size(int[] shape) {
        long s = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            s *= d;
        }
        if (s > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape too large: " + Arrays.toString(shape));
        }
        return (int) s;
    }

    /**
     * @return the broadcast shape of {@code a} and {@code b}
     * @throws IllegalArgumentException naming both shapes if they are incompatible
     */
    public static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int k = 0; k < r; k++) {
            int da = k < r - a.length ? 1 : a[k - (r - a.length)];
            int db = k < r - b.length ? 1 : b[k - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " cannot be broadcast together");
            }
            out[k] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides of {@code shape} seen inside the broadcast shape {@code out}: 0 on stretched axes.
     */
    static int[] broadcastStrides(int[] shape, int[] out) {
        int r = out.length;
        int[] strides = new int[r];
        int stride = 1;
        for (int k = r - 1; k >= 0; k--) {
            int j = k - (r - shape.length);
            int d = j < 0 ? 1 : shape[j];
            strides[k] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }

    /** @return the flat index into an operand with {@code strides} of output flat index {@code flat} */
    static int sourceIndex(int flat, int[] out, int[] strides) {
        int src = 0;
        for (int k = out.length - 1; k >= 0; k--) {
            int i = flat % out[k];
            flat /= out[k];
            src += i * strides[k];
        }
        return src;
    }

    /**
     * Sums {@code t} over the axes that broadcasting stretched, giving a tensor of {@code shape}: the
     * adjoint of broadcasting {@code shape} to {@code t}'s shape.
     *
     * @throws IllegalArgumentException naming both shapes if {@code shape} does not broadcast to
     *     {@code t}'s shape
     */
    public static Tensor sumTo(Tensor t, int[] shape) {
        int[] from = t.shape();
        if (Arrays.equals(from, shape)) {
            return t;
        }
        if (!Arrays.equals(broadcastOrNull(shape, from), from)) {
            throw new IllegalArgumentException("cannot sum shape " + Arrays.toString(from) + " to "
                    + Arrays.toString(shape) + ": " + Arrays.toString(shape) + " does not broadcast to "
                    + Arrays.toString(from));
        }
        double[] src = t.data();
        double[] out = new double[size(shape)];
        if (out.length == 1) {
            double s = 0;
            for (double v : src) {
                s += v;
            }
            out[0] = s;
        } else if (isSuffix(shape, from)) {
            int n = out.length;
            for (int i = 0; i < src.length; i++) {
                out[i % n] += src[i];
            }
        } else {
            int[] strides = broadcastStrides(shape, from);
            for (int i = 0; i < src.length; i++) {
                out[sourceIndex(i, from, strides)] += src[i];
            }
        }
        return Tensor.wrap(out, shape);
    }

    /** @return the broadcast shape of {@code a} and {@code b}, or null if they are incompatible */
    private static int[] broadcastOrNull(int[] a, int[] b) {
        try {
            return broadcast(a, b);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return true if {@code small} equals the trailing axes of {@code big} */
    static boolean isSuffix(int[] small, int[] big) {
        if (small.length > big.length) {
            return false;
        }
        int off = big.length - small.length;
        for (int k = 0; k < small.length; k++) {
            if (small[k] != big[off + k]) {
                return false;
            }
        }
        return true;
    }
}
