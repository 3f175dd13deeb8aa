package io.foldopt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void scale() {
        assertArrayEquals(new double[] {-2, 4}, Kernels.scale(Tensor.vector(1, -2), -2).data());
    }
}
