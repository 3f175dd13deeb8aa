package io.foldopt.linalg;

import io.foldopt.parallel.Parallel;

/**
 * Dense kernels on contiguous slices {@code x[xo .. xo+n)} of flat arrays, shared by the solvers and factorizations of
 * foldopt. The loops are written in the simple forms that the JIT unrolls and vectorizes.
 */
public final class Vec {
    /** Slices at least this long are processed in blocks on several threads ({@link Parallel}). */
    public static final int PARALLEL_LENGTH = 1 << 18;
    /** The block length of the parallel kernels. */
    public static final int BLOCK = 1 << 15;

    private Vec() {}

    /**
     * @return {@code sum_i x[xo+i] y[yo+i]}, accumulated in four interleaved partial sums (fixed order); slices of at
     *     least {@link #PARALLEL_LENGTH} entries are summed in blocks of {@link #BLOCK} entries on several threads,
     *     the block sums added in order (the result does not depend on the number of threads)
     */
    public static double dot(double[] x, int xo, double[] y, int yo, int n) {
        if (n < PARALLEL_LENGTH) {
            return sequentialDot(x, xo, y, yo, n);
        }
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        Parallel.forEach(blocks, 2L * BLOCK, k -> partial[k] = sequentialDot(x, xo + k * BLOCK, y, yo + k * BLOCK,
                Math.min(BLOCK, n - k * BLOCK)));
        double s = 0;
        for (double v : partial) {
            s += v;
        }
        return s;
    }

    private static double sequentialDot(double[] x, int xo, double[] y, int yo, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xo + i] * y[yo + i];
            s1 += x[xo + i + 1] * y[yo + i + 1];
            s2 += x[xo + i + 2] * y[yo + i + 2];
            s3 += x[xo + i + 3] * y[yo + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[xo + i] * y[yo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * {@code out[outOff+i] = <v[i][o .. o+n), w[o .. o+n)>} for {@code i < count}: the dot products of one slice with
     * the same slice of several vectors (e.g. a Krylov basis), eight vectors per pass over {@code w}, so that each
     * entry of {@code w} is loaded once for eight products. Sequential; each product is summed in index order.
     */
    public static void dots(double[][] v, int count, double[] w, int o, int n, double[] out, int outOff) {
        int i = 0;
        for (; i + 8 <= count; i += 8) {
            double[] v0 = v[i];
            double[] v1 = v[i + 1];
            double[] v2 = v[i + 2];
            double[] v3 = v[i + 3];
            double[] v4 = v[i + 4];
            double[] v5 = v[i + 5];
            double[] v6 = v[i + 6];
            double[] v7 = v[i + 7];
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double s4 = 0;
            double s5 = 0;
            double s6 = 0;
            double s7 = 0;
            for (int k = o; k < o + n; k++) {
                double wk = w[k];
                s0 += v0[k] * wk;
                s1 += v1[k] * wk;
                s2 += v2[k] * wk;
                s3 += v3[k] * wk;
                s4 += v4[k] * wk;
                s5 += v5[k] * wk;
                s6 += v6[k] * wk;
                s7 += v7[k] * wk;
            }
            out[outOff + i] = s0;
            out[outOff + i + 1] = s1;
            out[outOff + i + 2] = s2;
            out[outOff + i + 3] = s3;
            out[outOff + i + 4] = s4;
            out[outOff + i + 5] = s5;
            out[outOff + i + 6] = s6;
            out[outOff + i + 7] = s7;
        }
        for (; i < count; i++) {
            out[outOff + i] = sequentialDot(v[i], o, w, o, n);
        }
    }

    /**
     * {@code w[o .. o+n) -= sum_{i < count} c[cOff+i] v[i][o .. o+n)}: a linear combination of the same slice of
     * several vectors subtracted from one slice, four vectors per pass over {@code w}. Sequential.
     */
    public static void subtractCombination(double[][] v, int count, double[] c, int cOff, double[] w, int o, int n) {
        int i = 0;
        for (; i + 4 <= count; i += 4) {
            double[] v0 = v[i];
            double[] v1 = v[i + 1];
            double[] v2 = v[i + 2];
            double[] v3 = v[i + 3];
            double c0 = c[cOff + i];
            double c1 = c[cOff + i + 1];
            double c2 = c[cOff + i + 2];
            double c3 = c[cOff + i + 3];
            for (int k = o; k < o + n; k++) {
                w[k] -= (c0 * v0[k] + c1 * v1[k]) + (c2 * v2[k] + c3 * v3[k]);
            }
        }
        for (; i < count; i++) {
            sequentialAxpy(-c[cOff + i], v[i], o, w, o, n);
        }
    }

    /** One block of a {@link #rowBlocks} pass. */
    @FunctionalInterface
    public interface BlockBody {
        /**
         * Processes the entries {@code [lo, hi)} of the flat arrays, all in row {@code row}, and writes the block's
         * partial sums to {@code sums[at .. at+k)} ({@code k} as given to {@link #rowBlocks}; none if 0).
         */
        void accept(int row, int lo, int hi, double[] sums, int at);
    }

    /**
     * One fused pass over the rows {@code b} with {@code rows[b]} of {@code B x n} arrays: every row is cut into
     * blocks of {@link #BLOCK} entries, the blocks of all rows are processed by {@code body} on several threads, and
     * {@code out[b k + j]} becomes the sum over the row's blocks, added in order, of their {@code j}-th partial sum
     * ({@code j < k}). The blocks do not depend on the number of threads, so neither do the sums. Rows without
     * {@code rows[b]} are skipped and their entries of {@code out} left unchanged.
     *
     * @param batch the number of rows {@code B}
     * @param n the row length
     * @param rows which rows to process, length {@code B}
     * @param k the number of sums per block (0 for a pass without sums; {@code out} may then be null)
     * @param workPerEntry estimated flops per entry, to decide whether to split
     * @param out the sums, length at least {@code B k}
     * @param body the kernel of one block
     */
    public static void rowBlocks(int batch, int n, boolean[] rows, int k, long workPerEntry, double[] out,
            BlockBody body) {
        int per = Math.max(1, (n + BLOCK - 1) / BLOCK);
        double[] partial = new double[batch * per * k];
        Parallel.forEach(batch * per, workPerEntry * Math.min(n, BLOCK), task -> {
            int b = task / per;
            if (rows[b]) {
                int lo = b * n + (task % per) * BLOCK;
                body.accept(b, lo, Math.min(lo + BLOCK, (b + 1) * n), partial, task * k);
            }
        });
        for (int b = 0; b < batch; b++) {
            if (rows[b]) {
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int t = b * per; t < (b + 1) * per; t++) {
                        s += partial[t * k + j];
                    }
                    out[b * k + j] = s;
                }
            }
        }
    }

    /** @return {@code x^T y} over the full arrays, which must have equal lengths */
    public static double dot(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("dot of vectors of lengths " + x.length + " and " + y.length);
        }
        return dot(x, 0, y, 0, x.length);
    }

    /**
     * @return the Euclidean norm {@code ||x[xo .. xo+n)||}; rescaled by {@code max|x_i|} when the plain sum of squares
     *     overflows or underflows, NaN if an entry is NaN
     */
    public static double norm(double[] x, int xo, int n) {
        double ss = dot(x, xo, x, xo, n);
        if (ss >= Double.MIN_NORMAL && ss < Double.POSITIVE_INFINITY) {
            return Math.sqrt(ss);
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            double v = Math.abs(x[xo + i]);
            if (Double.isNaN(v)) {
                return Double.NaN;
            }
            max = Math.max(max, v);
        }
        if (max == 0 || max == Double.POSITIVE_INFINITY) {
            return max;
        }
        double scaled = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xo + i] / max;
            scaled += v * v;
        }
        return max * Math.sqrt(scaled);
    }

    /** @return the infinity norm {@code max_i |x[xo+i]|} over {@code i < n} (0 if {@code n = 0}, NaN if an entry is) */
    public static double normInf(double[] x, int xo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s = Math.max(s, Math.abs(x[xo + i]));
        }
        return s;
    }

    /** @return {@code max_i |x_i|} over the full array (0 if empty, NaN if an entry is NaN) */
    public static double normInf(double[] x) {
        return normInf(x, 0, x.length);
    }

    /** {@code y[yo+i] += alpha x[xo+i]} for {@code i < n} (in blocks on several threads for long slices). */
    public static void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        if (n >= PARALLEL_LENGTH) {
            int blocks = (n + BLOCK - 1) / BLOCK;
            Parallel.forEach(blocks, 2L * BLOCK, k -> sequentialAxpy(alpha, x, xo + k * BLOCK, y, yo + k * BLOCK,
                    Math.min(BLOCK, n - k * BLOCK)));
            return;
        }
        sequentialAxpy(alpha, x, xo, y, yo, n);
    }

    private static void sequentialAxpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        if (xo == yo) {
            // One index expression for both arrays: the JIT may vectorize (it cannot rule out aliasing
            // between two arrays read and written at offsets that differ by an unknown amount).
            for (int i = xo; i < xo + n; i++) {
                y[i] += alpha * x[i];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /** {@code y[yo+i] = alpha x[xo+i]} for {@code i < n}. */
    public static void scale(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        if (xo == yo) {
            for (int i = xo; i < xo + n; i++) {
                y[i] = alpha * x[i];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            y[yo + i] = alpha * x[xo + i];
        }
    }

    /** @return whether every {@code x[xo+i]}, {@code i < n}, is zero */
    public static boolean isZero(double[] x, int xo, int n) {
        for (int i = 0; i < n; i++) {
            if (x[xo + i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return whether every entry of {@code x} is finite */
    public static boolean allFinite(double[] x) {
        return allFinite(x, 0, x.length);
    }

    /** @return whether every {@code x[xo+i]}, {@code i < n}, is finite */
    public static boolean allFinite(double[] x, int xo, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[xo + i])) {
                return false;
            }
        }
        return true;
    }
}
