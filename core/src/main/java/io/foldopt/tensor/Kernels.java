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
        Parallel.forEach(batches * rows, (long) inner * cols, r -> {
            int t = r / rows;
            int i = r - t * rows;
            int aRow = t * aStride + i * inner;
            int bOff = t * bStride;
            int cRow = r * cols;
            for (int k = 0; k < inner; k++) {
                double s = a[aRow + k];
                if (s == 0.0) {
                    continue;
                }
                int bRow = bOff + k * cols;
                for (int j = 0; j < cols; j++) {
                    c[cRow + j] += s * b[bRow + j];
                }
            }
        });
        return c;
    }
}
