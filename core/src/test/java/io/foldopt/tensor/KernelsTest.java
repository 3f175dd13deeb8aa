package io.foldopt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The product kernel and broadcasting elementwise kernels against naive loops. */
class KernelsTest {
    private final SplittableRandom rng = new SplittableRandom(13);

    /** Gaussian entries with about a third of them set to zero (the kernel skips zero entries). */
    private double[] sparse(int size) {
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            d[i] = rng.nextInt(3) == 0 ? 0.0 : rng.nextGaussian();
        }
        return d;
    }

    private static double[] naive(double[] a, int aStride, double[] b, int bStride, int batches, int rows,
            int inner, int cols) {
        double[] c = new double[batches * rows * cols];
        for (int t = 0; t < batches; t++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int k = 0; k < inner; k++) {
                        s += a[t * aStride + i * inner + k] * b[t * bStride + k * cols + j];
                    }
                    c[(t * rows + i) * cols + j] = s;
                }
            }
        }
        return c;
    }

    private void assertGemm(boolean sharedA, boolean sharedB, int batches, int rows, int inner, int cols) {
        int aSize = rows * inner;
        int bSize = inner * cols;
        double[] a = sparse(sharedA ? aSize : batches * aSize);
        double[] b = sparse(sharedB ? bSize : batches * bSize);
        int aStride = sharedA ? 0 : aSize;
        int bStride = sharedB ? 0 : bSize;
        double[] expected = naive(a, aStride, b, bStride, batches, rows, inner, cols);
        double[] got = Kernels.gemm(a, aStride, b, bStride, batches, rows, inner, cols);
        assertArrayEquals(expected, got, 1e-12);
    }

    @Test
    void gemmMatchesNaiveLoopsForSmallProblems() {
        for (boolean sharedA : new boolean[] {false, true}) {
            for (boolean sharedB : new boolean[] {false, true}) {
                assertGemm(sharedA, sharedB, 3, 2, 5, 4);
                assertGemm(sharedA, sharedB, 1, 1, 1, 1);
                assertGemm(sharedA, sharedB, 2, 3, 0, 2);
            }
        }
    }

    @Test
    void gemmMatchesNaiveLoopsForProblemsLargeEnoughToRunInParallel() {
        assertGemm(false, true, 64, 16, 24, 20);
        assertGemm(true, false, 64, 16, 24, 20);
        assertGemm(false, false, 40, 30, 30, 30);
    }

    @Test
    void gemmWithAllZeroLeftOperandIsZero() {
        double[] c = Kernels.gemm(new double[6], 0, sparse(12), 0, 1, 2, 3, 4);
        assertArrayEquals(new double[8], c);
    }

    @Test
    void binaryMatchesElementwiseDefinitionUnderBroadcasting() {
        int[][][] pairs = {{{2, 3}, {2, 3}}, {{3}, {2, 3}}, {{2, 3}, {}}, {{2, 1}, {1, 3}}, {{2, 1, 3}, {4, 1}}};
        for (int[][] p : pairs) {
            Tensor a = Tensor.randn(rng, p[0]);
            Tensor b = Tensor.randn(rng, p[1]);
            for (Kernels.BinaryOp op : Kernels.BinaryOp.values()) {
                Tensor c = Kernels.binary(a, b, op);
                Tensor ba = Kernels.binary(Tensor.zeros(c.shape()), a, Kernels.BinaryOp.ADD);
                Tensor bb = Kernels.binary(Tensor.zeros(c.shape()), b, Kernels.BinaryOp.ADD);
                for (int i = 0; i < c.size(); i++) {
                    assertEquals(op.apply(ba.data()[i], bb.data()[i]), c.data()[i], 0.0);
                }
            }
        }
        Tensor c = Kernels.binary(Tensor.wrap(new double[] {1, 2}, 2, 1), Tensor.vector(10, 20, 30),
                Kernels.BinaryOp.ADD);
        assertArrayEquals(new double[] {11, 21, 31, 12, 22, 32}, c.data());
        assertArrayEquals(new int[] {2, 3}, c.shape());
    }

    @Test
    void javaBackendComputesStridedMultiplyAddInPlace() {
        int rows = 4;
        int inner = 3;
        int cols = 5;
        int lda = 6;
        int ldb = 7;
        int ldc = 8;
        double[] a = sparse(2 + rows * lda);
        double[] b = sparse(1 + inner * ldb);
        double[] c = sparse(3 + rows * ldc);
        double[] expected = c.clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < inner; k++) {
                    s += a[2 + i * lda + k] * b[1 + k * ldb + j];
                }
                expected[3 + i * ldc + j] += -2.0 * s;
            }
        }
        GemmBackend.JAVA.multiplyAdd(-2.0, a, 2, lda, b, 1, ldb, c, 3, ldc, rows, inner, cols);
        assertArrayEquals(expected, c, 1e-12);
    }

    @Test
    void withoutANativeProviderEveryChoiceFallsBackToTheJavaKernels() {
        String saved = System.getProperty(GemmBackends.PROPERTY);
        try {
            for (String value : new String[] {null, "java", "native", "fortran"}) {
                if (value == null) {
                    System.clearProperty(GemmBackends.PROPERTY);
                } else {
                    System.setProperty(GemmBackends.PROPERTY, value);
                }
                assertSame(GemmBackend.JAVA, GemmBackends.select(), String.valueOf(value));
            }
        } finally {
            if (saved == null) {
                System.clearProperty(GemmBackends.PROPERTY);
            } else {
                System.setProperty(GemmBackends.PROPERTY, saved);
            }
        }
        assertEquals("java", Kernels.backendName());
    }

    @Test
    void withBackendRoutesProductsAndRestoresThePreviousBackend() {
        int[] calls = new int[1];
        GemmBackend counting = counting(calls);
        double[] a = sparse(32 * 20);
        double[] b = sparse(20 * 24);
        double[] c = Kernels.withBackend(counting, () -> {
            assertEquals("counting", Kernels.backendName());
            return Kernels.gemm(a, 0, b, 0, 1, 32, 20, 24);
        });
        assertEquals(1, calls[0]);
        assertArrayEquals(naive(a, 0, b, 0, 1, 32, 20, 24), c, 1e-12);
        Kernels.withBackend(counting, () -> Kernels.gemm(new double[2], 0, new double[2], 0, 1, 1, 2, 1));
        assertEquals(1, calls[0], "products below NATIVE_MIN_WORK stay on the Java kernel");
        assertEquals("java", Kernels.backendName());
    }

    @Test
    void mostlyZeroLeftOperandsStayOnTheJavaKernel() {
        int[] calls = new int[1];
        GemmBackend counting = counting(calls);
        Tensor b = Tensor.wrap(sparse(40 * 30), 40, 30);
        double[] unit = new double[16 * 40];
        for (int r = 0; r < 16; r++) {
            unit[r * 40 + (3 * r) % 40] = 1.0;
        }
        double[] dense = sparse(16 * 40);
        double[] fromUnit = Kernels.withBackend(counting, () -> Kernels.gemm(unit, 16, 40, b));
        assertEquals(0, calls[0], "a left operand with 1 nonzero in 40 per row");
        assertArrayEquals(naive(unit, 0, b.data(), 0, 1, 16, 40, 30), fromUnit, 1e-12);
        double[] fromDense = Kernels.withBackend(counting, () -> Kernels.gemm(dense, 16, 40, b));
        assertEquals(1, calls[0], "a left operand with 2 nonzeros in 3");
        assertArrayEquals(naive(dense, 0, b.data(), 0, 1, 16, 40, 30), fromDense, 1e-12);
    }

    @Test
    void scale() {
        assertArrayEquals(new double[] {-2, 4}, Kernels.scale(Tensor.vector(1, -2), -2).data());
    }

    /** @return a backend named "counting" that counts its calls in {@code calls[0]} and computes with the Java kernel */
    private static GemmBackend counting(int[] calls) {
        return new GemmBackend() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public void multiplyAdd(double s, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                    double[] c, int cOff, int ldc, int rows, int inner, int cols) {
                calls[0]++;
                GemmBackend.JAVA.multiplyAdd(s, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, rows, inner, cols);
            }
        };
    }
}
