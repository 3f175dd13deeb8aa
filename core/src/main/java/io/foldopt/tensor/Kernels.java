package io.foldopt.tensor;

import io.foldopt.parallel.Parallel;
import java.util.Arrays;

/**
 * Flat-array kernels behind the tensor operations: broadcasting elementwise arithmetic and the
 * dense matrix products.
 *
 * <p>Products go through the {@link GemmBackend} chosen at start-up ({@link #backendName()}): a
 * native BLAS when one is on the class path and loads, else the pure-Java kernel (also for small products and
 * for left operands that are mostly zeros, see {@link #SPARSE_LEFT_DENSITY}). The pure-Java kernel runs in
 * {@code i-k-j} order (contiguous inner loop, vectorized by the JIT),
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
     * Products whose {@code rows * inner * cols} is below this run on the pure-Java kernel whatever the
     * backend: a native call's fixed cost would dominate them.
     */
    public static final long NATIVE_MIN_WORK = 1L << 12;

    private static volatile GemmBackend backend = GemmBackends.select();

    /** Floating-point operations of the dense products run so far. */
    private static final java.util.concurrent.atomic.LongAdder FLOPS = new java.util.concurrent.atomic.LongAdder();

    /**
     * @return the floating-point operations ({@code 2 rows inner cols} each) of all dense products this process has
     *     run through {@link #gemm} and {@link #multiplyAdd}, on any backend: the difference of two readings is the
     *     dense work done in between
     */
    public static long productFlops() {
        return FLOPS.sum();
    }

    /** @return the name of the dense product backend in use ({@code java}, {@code openblas}, ...) */
    public static String backendName() {
        return backend.name();
    }

    /** @return the dense product backend in use */
    public static GemmBackend backend() {
        return backend;
    }

    /**
     * @return the native backend: the one in use if it is native, else the first that loads from the class path
     *     (for comparing backends in one run even when {@code foldopt.blas=java}); empty if none loads
     */
    public static java.util.Optional<GemmBackend> nativeBackend() {
        GemmBackend b = backend;
        return java.util.Optional.ofNullable(b != GemmBackend.JAVA ? b : GemmBackends.loadNative(new Throwable[1]));
    }

    /**
     * Runs {@code body} with every dense product of the process going through {@code b}, then restores
     * the previous backend: for comparing backends on the same computation. Not for use while other
     * threads compute products.
     *
     * @return what {@code body} returns
     */
    public static <T> T withBackend(GemmBackend b, java.util.function.Supplier<T> body) {
        GemmBackend previous = backend;
        backend = java.util.Objects.requireNonNull(b, "backend");
        try {
            return body.get();
        } finally {
            backend = previous;
        }
    }

    /**
     * Left operands with at most this fraction of nonzero entries go to the pure-Java kernel whatever the backend:
     * it skips zero entries (a cotangent masked by a projection, the unit vectors from which a Jacobian is built),
     * while a native product does the dense work.
     */
    public static final double SPARSE_LEFT_DENSITY = 0.25;

    /** @return the backend for a product whose left operand is {@code rows x inner} at {@code aOff}, stride lda */
    private static GemmBackend backendFor(long work, double[] a, int aOff, int lda, int rows, int inner) {
        GemmBackend b = backendFor(work);
        return b == GemmBackend.JAVA || !isSparse(a, aOff, lda, rows, inner) ? b : GemmBackend.JAVA;
    }

    /** @return whether at most {@link #SPARSE_LEFT_DENSITY} of the entries are nonzero (counting stops past it) */
    private static boolean isSparse(double[] a, int aOff, int lda, int rows, int inner) {
        long limit = (long) (SPARSE_LEFT_DENSITY * rows * inner);
        long count = 0;
        for (int r = 0; r < rows; r++) {
            int o = aOff + r * lda;
            for (int k = 0; k < inner; k++) {
                if (a[o + k] != 0.0 && ++count > limit) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return the backend for a product of {@code work = rows * inner * cols} */
    private static GemmBackend backendFor(long work) {
        FLOPS.add(2 * work);
        GemmBackend b = backend;
        return work < NATIVE_MIN_WORK ? GemmBackend.JAVA : b;
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
        if (bStride == 0 && (batches == 1 || aStride == rows * inner)) {
            // One right operand for every row of the batch: a single (batches*rows) x inner product.
            double[] c = new double[batches * rows * cols];
            multiplyAdd(1.0, a, 0, inner, b, 0, cols, c, 0, cols, batches * rows, inner, cols);
            return c;
        }
        double[] c = new double[batches * rows * cols];
        long work = (long) rows * inner * cols;
        GemmBackend k = backendFor(work);
        FLOPS.add(2 * work * (batches - 1));
        Parallel.forEach(batches, work, t -> k.multiplyAdd(1.0, a, t * aStride, inner, b, t * bStride, cols, c,
                t * rows * cols, cols, rows, inner, cols));
        return c;
    }

    /**
     * {@code C = A B} for {@code A} of {@code rows x inner} (row-major) and a matrix {@code B} of
     * {@code inner x cols}; the pure-Java kernel uses {@code B}'s cached {@link Tensor#rowArrays()}.
     */
    public static double[] gemm(double[] a, int rows, int inner, Tensor b) {
        int cols = b.dim(-1);
        double[] c = new double[rows * cols];
        multiplyAdd(1.0, a, 0, inner, b, c, 0, cols, rows);
        return c;
    }

    /**
     * {@code C += s A B} for {@code A} of {@code rows x inner} at {@code aOff} (row stride {@code lda}) and a
     * matrix tensor {@code B (inner, cols)}, through the backend in use, which may reuse a prepared copy of
     * {@code B} (see {@link GemmBackend#multiplyAdd(double, double[], int, int, Tensor, double[], int, int, int)}).
     */
    public static void multiplyAdd(double s, double[] a, int aOff, int lda, Tensor b, double[] c, int cOff, int ldc,
            int rows) {
        backendFor((long) rows * b.dim(-2) * b.dim(-1), a, aOff, lda, rows, b.dim(-2)).multiplyAdd(s, a, aOff, lda, b,
                c, cOff, ldc, rows);
    }

    /**
     * {@code C += s A B} on row-major blocks with row strides {@code lda}, {@code ldb}, {@code ldc}
     * (see {@link GemmBackend#multiplyAdd}), through the backend in use.
     */
    public static void multiplyAdd(double s, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
            double[] c, int cOff, int ldc, int rows, int inner, int cols) {
        backendFor((long) rows * inner * cols, a, aOff, lda, rows, inner).multiplyAdd(s, a, aOff, lda, b, bOff, ldb, c,
                cOff, ldc, rows, inner, cols);
    }

    /**
     * @return rows {@code 0..count-1} of length {@code cols} of the row-major block at {@code off} with
     *     row stride {@code ld}, each a separate array
     */
    public static double[][] splitRows(double[] m, int off, int count, int ld, int cols) {
        double[][] rows = new double[count][];
        for (int k = 0; k < count; k++) {
            rows[k] = Arrays.copyOfRange(m, off + k * ld, off + k * ld + cols);
        }
        return rows;
    }

    /**
     * {@code C += s A B}: {@code A} is {@code rows x inner} at {@code aOff} with row stride {@code lda},
     * {@code B} is given as {@code inner} separate rows of length at least {@code cols}, and {@code C}
     * is {@code rows x cols} at {@code cOff} with row stride {@code ldc}; {@code C} must not overlap
     * {@code A}.
     *
     * <p>Rows are split across threads. Each row of {@code C} is accumulated in a buffer of its own by
     * {@code axpy} updates {@code c += s a_k B[k, :]}: every array of that loop is then indexed from 0,
     * which is what lets the JIT vectorize it (with a variable offset between two arrays it must assume
     * they alias). Zero entries {@code a_k} are skipped, so a cotangent zeroed by a projection's mask
     * costs nothing for those coordinates.
     */
    public static void multiplyAdd(double s, double[] a, int aOff, int lda, double[][] bRows, double[] c, int cOff,
            int ldc, int rows, int inner, int cols) {
        long work = (long) rows * inner * cols;
        int chunks = work < Parallel.MIN_PARALLEL_WORK ? 1 : Math.min(rows, Parallel.threadsHere());
        Parallel.forEach(chunks, work / Math.max(1, chunks), ch -> {
            double[] t = new double[cols];
            for (int r = (int) ((long) rows * ch / chunks); r < (long) rows * (ch + 1) / chunks; r++) {
                int aRow = aOff + r * lda;
                int cRow = cOff + r * ldc;
                System.arraycopy(c, cRow, t, 0, cols);
                for (int k = 0; k < inner; k++) {
                    double sk = a[aRow + k];
                    if (sk == 0.0) {
                        continue;
                    }
                    sk *= s;
                    double[] b = bRows[k];
                    for (int j = 0; j < cols; j++) {
                        t[j] += sk * b[j];
                    }
                }
                System.arraycopy(t, 0, c, cRow, cols);
            }
        });
    }
}
