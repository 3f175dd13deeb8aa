package io.foldopt.tensor;

/**
 * A dense matrix-product kernel: {@code C += s A B} on row-major blocks of flat arrays.
 *
 * <p>{@link Kernels} routes every dense product (batched products and their VJPs, the blocked
 * {@link io.foldopt.linalg.DenseLU}) through one backend, chosen once at start-up: the pure-Java
 * kernel ({@link #JAVA}) or a native BLAS found through {@link java.util.ServiceLoader} (a jar
 * declaring this interface in {@code META-INF/services}). The system property
 * {@code foldopt.blas=java|native} forces either; without it a native backend is used when one
 * loads. See {@link Kernels#backendName()}.
 */
public interface GemmBackend {
    /**
     * The pure-Java kernel: {@link Kernels#multiplyAdd(double, double[], int, int, double[][], double[], int, int,
     * int, int, int)} on the rows of {@code B}.
     */
    GemmBackend JAVA = new GemmBackend() {
        @Override
        public String name() {
            return "java";
        }

        @Override
        public void multiplyAdd(double s, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c,
                int cOff, int ldc, int rows, int inner, int cols) {
            Kernels.multiplyAdd(s, a, aOff, lda, Kernels.splitRows(b, bOff, inner, ldb, cols), c, cOff, ldc, rows,
                    inner, cols);
        }

        @Override
        public void multiplyAdd(double s, double[] a, int aOff, int lda, Tensor b, double[] c, int cOff, int ldc,
                int rows) {
            Kernels.multiplyAdd(s, a, aOff, lda, b.rowArrays(), c, cOff, ldc, rows, b.dim(-2), b.dim(-1));
        }
    };

    /** @return the backend's short name, e.g. {@code java} or {@code openblas} */
    String name();

    /**
     * @return the name with the version and settings that decide the backend's speed (for a native library, the
     *     environment variables it reads), for benchmark output and reports; by default the name
     */
    default String description() {
        return name();
    }

    /**
     * {@code C += s A B}: {@code A} is {@code rows x inner} at {@code aOff} with row stride {@code lda},
     * {@code B} is {@code inner x cols} at {@code bOff} with row stride {@code ldb}, {@code C} is
     * {@code rows x cols} at {@code cOff} with row stride {@code ldc}. {@code C} must not overlap
     * {@code A} or {@code B} (they may lie in the same array). Implementations may split rows across
     * threads through {@link io.foldopt.parallel.Parallel}.
     */
    void multiplyAdd(double s, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff,
            int ldc, int rows, int inner, int cols);

    /**
     * {@code C += s A B} for a matrix {@code B} held by a tensor of shape {@code (inner, cols)}: the product with a
     * shared matrix that a batch applies many times (the backward solvers' VJPs). Since tensors are immutable, a
     * backend may keep a prepared copy of {@code B} for later calls (the pure-Java kernel its
     * {@link Tensor#rowArrays()}, a native one a copy in native memory).
     */
    default void multiplyAdd(double s, double[] a, int aOff, int lda, Tensor b, double[] c, int cOff, int ldc,
            int rows) {
        int cols = b.dim(-1);
        multiplyAdd(s, a, aOff, lda, b.data(), 0, cols, c, cOff, ldc, rows, b.dim(-2), cols);
    }
}
