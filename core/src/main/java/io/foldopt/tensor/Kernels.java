package io.foldopt.tensor;

import io.foldopt.parallel.Parallel;
import java.util.Arrays;

/**
 * Flat-array kernels behind the tensor operations: broadcasting elementwise arithmetic and one
 * batched matrix-product kernel.
 *
 * <p>The product kernel runs in {@code i-k-j} order (contiguous inner loop, vectorized by the JIT),
 * skips zero entries of the left operand (so a cotangent zeroed by a projection's mask costs nothing
 * for those coordinates) and splits rows across threads through {@link Parallel}.
 */
public final class Kernels {
    private Kernels() {}

    /** Elementwise binary operations with broadcasting. */
    public enum BinaryOp {
        /** {@code a + b} */
        ADD {
            @Override
            public double apply(double a, double b) {
                return a + b;
            }
        },
        /** {@code a - b} */
        SUB {
            @Override
            public double apply(double a, double b) {
                return a - b;
            }
        },
        /** {@code a * b} */
        MUL {
            @Override
            public double apply(double a, double b) {
                return a * b;
            }
        },
        /** {@code a / b} */
        DIV {
            @Override
            public double apply(double a, double b) {
                return a / b;
            }
        },
        /** {@code min(a, b)} */
        MIN {
            @Override
            public double apply(double a, double b) {
                return Math.min(a, b);
            }
        },
        /** {@code max(a, b)} */
        MAX {
            @Override
            public double apply(double a, double b) {
                return Math.max(a, b);
            }
        },
        /** {@code a ^ b} */
        POW {
            @Override
            public double apply(double a, double b) {
                return Math.pow(a, b);
            }
        },
        /** {@code 1} where {@code a >= b}, else {@code 0} */
        GE_MASK {
            @Override
            public double apply(double a, double b) {
                return a >= b ? 1.0 : 0.0;
            }
        };

        /** @return the operation applied to one pair of elements */
        public abstract double apply(double a, double b);
    }

    /** @return {@code op(a, b)} elementwise with numpy broadcasting */
    public static Tensor binary(Tensor a, Tensor b, BinaryOp op) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        double[] x = a.data();
        double[] y = b.data();
        if (Arrays.equals(sa, sb)) {
            double[] out = new double[x.length];
            switch (op) {
                case ADD:
                    for (int i = 0; i < out.length; i++) {
                        out[i] = x[i] + y[i];
                    }
                    break;
                case SUB:
                    for (int i = 0; i < out.length; i++) {
                        out[i] = x[i] - y[i];
                    }
                    break;
                case MUL:
                    for (int i = 0; i < out.length; i++) {
                        out[i] = x[i] * y[i];
                    }
                    break;
                default:
                    for (int i = 0; i < out.length; i++) {
                        out[i] = op.apply(x[i], y[i]);
                    }
            }
            return Tensor.wrap(out, sa);
        }
        int[] so = Shapes.broadcast(sa, sb);
        double[] out = new double[Shapes.size(so)];
        if (Arrays.equals(sa, so) && Shapes.isSuffix(sb, so)) {
            int n = y.length;
            for (int i = 0; i < out.length; i++) {
                out[i] = op.apply(x[i], y[i % n]);
            }
        } else if (Arrays.equals(sb, so) && Shapes.isSuffix(sa, so)) {
            int n = x.length;
            for (int i = 0; i < out.length; i++) {
                out[i] = op.apply(x[i % n], y[i]);
            }
        } else {
            int[] ta = Shapes.broadcastStrides(sa, so);
            int[] tb = Shapes.broadcastStrides(sb, so);
            for (int i = 0; i < out.length; i++) {
                out[i] = op.apply(x[Shapes.sourceIndex(i, so, ta)], y[Shapes.sourceIndex(i, so, tb)]);
            }
        }
        return Tensor.wrap(out, so);
    }

    /** @return {@code s * a} */
    public static Tensor scale(Tensor a, double s) {
        double[] x = a.data();
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = s * x[i];
        }
        return Tensor.wrap(out, a.shape());
    }

    /** Rows of the left operand handled together, so each row of the right operand is loaded once per block. */
    private static final int ROW_BLOCK = 4;
    /** Rows of a shared right operand kept in cache while every row block of a thread passes over them. */
    private static final int PANEL = 48;

    /**
     * Batched product {@code C_t = A_t B_t} for {@code t = 0..batches-1}, with {@code A_t} of size
     * {@code rows x inner} and {@code B_t} of size {@code inner x cols}, all row-major.
     *
     * @param aStride distance between consecutive {@code A_t} (0 for a matrix shared by the batch)
     * @param bStride distance between consecutive {@code B_t} (0 for a matrix shared by the batch)
     * @return the {@code batches * rows * cols} result
     */
    public static double[] gemm(double[] a, int aStride, double[] b, int bStride, int batches, int rows,
            int inner, int cols) {
        double[] c = new double[batches * rows * cols];
        if (bStride == 0 && aStride == rows * inner) {
            // One right operand for every row of the batch: a single (batches*rows) x inner product.
            sharedRight(a, b, c, batches * rows, inner, cols);
            return c;
        }
        Parallel.forEach(batches * rows, (long) inner * cols, r -> {
            int t = r / rows;
            int aRow = t * aStride + (r - t * rows) * inner;
            axpyRows(a, aRow, 1, inner, b, t * bStride, 0, inner, cols, c, r * cols);
        });
        return c;
    }

    /**
     * {@code C = A B} with {@code A} of {@code rows x inner}: threads take contiguous row ranges; each
     * walks panels of {@link #PANEL} rows of {@code B} (kept in its cache) across its blocks of
     * {@link #ROW_BLOCK} rows of {@code A}.
     */
    private static void sharedRight(double[] a, double[] b, double[] c, int rows, int inner, int cols) {
        int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        long work = (long) rows * inner * cols;
        int chunks = work < Parallel.MIN_PARALLEL_WORK ? 1 : Math.min(blocks, Parallel.threads());
        Parallel.forEach(chunks, work / chunks, ch -> {
            int first = (int) ((long) blocks * ch / chunks) * ROW_BLOCK;
            int last = Math.min(rows, (int) ((long) blocks * (ch + 1) / chunks) * ROW_BLOCK);
            for (int k0 = 0; k0 < inner; k0 += PANEL) {
                int k1 = Math.min(inner, k0 + PANEL);
                for (int r = first; r < last; r += ROW_BLOCK) {
                    int count = Math.min(ROW_BLOCK, last - r);
                    axpyRows(a, r * inner, count, inner, b, 0, k0, k1, cols, c, r * cols);
                }
            }
        });
    }

    /**
     * {@code C[i, :] += sum_{k in [k0, k1)} A[i, k] B[k, :]} for {@code count <= 4} consecutive rows
     * {@code i} of {@code A} (row length {@code inner}, first at {@code aOff}) and of {@code C} (row
     * length {@code cols}, first at {@code cOff}). Entries of {@code A} that are zero in every row of the
     * block are skipped: cotangents zeroed by a projection cost nothing.
     */
    private static void axpyRows(double[] a, int aOff, int count, int inner, double[] b, int bOff, int k0, int k1,
            int cols, double[] c, int cOff) {
        if (count == ROW_BLOCK) {
            int c1 = cOff + cols;
            int c2 = c1 + cols;
            int c3 = c2 + cols;
            for (int k = k0; k < k1; k++) {
                double s0 = a[aOff + k];
                double s1 = a[aOff + inner + k];
                double s2 = a[aOff + 2 * inner + k];
                double s3 = a[aOff + 3 * inner + k];
                if (s0 == 0.0 && s1 == 0.0 && s2 == 0.0 && s3 == 0.0) {
                    continue;
                }
                int bRow = bOff + k * cols;
                for (int j = 0; j < cols; j++) {
                    double bv = b[bRow + j];
                    c[cOff + j] += s0 * bv;
                    c[c1 + j] += s1 * bv;
                    c[c2 + j] += s2 * bv;
                    c[c3 + j] += s3 * bv;
                }
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            int aRow = aOff + i * inner;
            int cRow = cOff + i * cols;
            for (int k = k0; k < k1; k++) {
                double s = a[aRow + k];
                if (s == 0.0) {
                    continue;
                }
                int bRow = bOff + k * cols;
                for (int j = 0; j < cols; j++) {
                    c[cRow + j] += s * b[bRow + j];
                }
            }
        }
    }
}
