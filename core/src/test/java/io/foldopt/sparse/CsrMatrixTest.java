package io.foldopt.sparse;

import static io.foldopt.operator.OperatorAssertions.assertClose;
import static io.foldopt.operator.OperatorAssertions.assertMatches;
import static io.foldopt.operator.OperatorAssertions.assertOperator;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sparse CSR matrices: construction, products against the dense matrix, VJPs, bad input. */
class CsrMatrixTest {
    /** A random 7 x 5 matrix with about 40% nonzeros, an empty row and an empty column. */
    private static CsrMatrix random(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[7 * 5];
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 5; j++) {
                if (i != 3 && j != 2 && rng.nextDouble() < 0.4) {
                    a[i * 5 + j] = rng.nextGaussian();
                }
            }
        }
        return CsrMatrix.fromDense(Tensor.wrap(a, 7, 5));
    }

    @Test
    void productsMatchTheDenseMatrix() {
        CsrMatrix a = random(1);
        assertMatches("A", a, a.toDense());
        assertMatches("A^T", a.transpose(), a.toDense().transpose());
        assertMatches("A^T^T", a.transpose().transpose(), a.toDense());
    }

    @Test
    void vjpsReachOperandAndValues() {
        CsrMatrix a = random(2);
        assertOperator("csr", a::withValues, a.values().value());
        assertOperator("csr transposed", v -> a.withValues(v).transpose(), a.values().value());
    }

    @Test
    void valueGradientLivesOnThePattern() {
        CsrMatrix a = random(3);
        Var v = Var.param(a.values().value());
        Tensor x = Tensor.randn(new SplittableRandom(4), 3, 5);
        Tensor g = Autodiff.grad(a.withValues(v).apply(Var.constant(x)).sum(), v)[0];
        assertEquals(a.nnz(), g.size());
        // Dense gradient of sum(X A^T) is 1 x^T summed over the batch; its restriction to the pattern.
        int[] rows = a.rowIndices();
        int[] cols = a.columnIndices();
        for (int k = 0; k < a.nnz(); k++) {
            double expected = 0;
            for (int b = 0; b < 3; b++) {
                expected += x.get(b, cols[k]);
            }
            assertEquals(expected, g.data()[k], 1e-12, "entry " + k + " at row " + rows[k]);
        }
    }

    @Test
    void tripletsAreSortedAndDuplicatesSummed() {
        CsrMatrix a = CsrMatrix.fromTriplets(3, 4, new int[] {2, 0, 2, 0, 2}, new int[] {1, 3, 1, 0, 0},
                new double[] {1, 2, 3, 4, -5});
        assertArrayEquals(new int[] {0, 2, 2, 4}, a.rowPointers());
        assertArrayEquals(new int[] {0, 3, 0, 1}, a.columnIndices());
        assertArrayEquals(new double[] {4, 2, -5, 4}, a.values().value().data());
        assertEquals(4, a.nnz());
    }

    @Test
    void duplicatesThatCancelStayInThePattern() {
        CsrMatrix a = CsrMatrix.fromTriplets(2, 2, new int[] {1, 1}, new int[] {0, 0}, new double[] {1.5, -1.5});
        assertEquals(1, a.nnz());
        assertArrayEquals(new double[] {0}, a.values().value().data());
    }

    @Test
    void emptyAndDegenerateMatrices() {
        CsrMatrix empty = CsrMatrix.fromTriplets(3, 2, new int[0], new int[0], new double[0]);
        assertEquals(0, empty.nnz());
        assertClose("empty", Tensor.zeros(2, 3), empty.apply(Var.constant(Tensor.randn(new SplittableRandom(5), 2, 2)))
                .value());
        CsrMatrix none = CsrMatrix.fromTriplets(0, 4, new int[0], new int[0], new double[0]);
        assertClose("0 x 4 adjoint", Tensor.zeros(2, 4), none.adjoint(Var.constant(Tensor.zeros(2, 0))).value());
        assertMatches("A with zero rows", none, Tensor.zeros(0, 4));
    }

    @Test
    void vectorOperandKeepsItsRank() {
        CsrMatrix a = random(6);
        Tensor x = Tensor.randn(new SplittableRandom(7), 5);
        Tensor batch = a.apply(Var.constant(x.reshape(1, 5))).value();
        Tensor single = a.apply(Var.constant(x)).value();
        assertArrayEquals(new int[] {7}, single.shape());
        assertArrayEquals(batch.data(), single.data());
    }

    @Test
    void fromCsrAcceptsValidArrays() {
        CsrMatrix a = random(8);
        CsrMatrix b = CsrMatrix.fromCsr(7, 5, a.rowPointers(), a.columnIndices(), a.values().value().data());
        assertClose("fromCsr", a.toDense(), b.toDense());
    }

    @Test
    void normEstimateApproachesTheLargestSingularValue() {
        // diag(3, 1) padded: ||A|| = 3.
        CsrMatrix a = CsrMatrix.fromTriplets(3, 2, new int[] {0, 1}, new int[] {0, 1}, new double[] {3, 1});
        double est = a.normEstimate(60, 9);
        assertEquals(3, est, 1e-9);
    }

    @Test
    void badInputIsRejectedWithTheEntry() {
        assertMessage("entry 1 (row 2, column 0) is outside the 2 x 3 matrix", () -> CsrMatrix.fromTriplets(2, 3,
                new int[] {0, 2}, new int[] {0, 0}, new double[] {1, 1}));
        assertMessage("entry 0 (row 0, column -1) is outside the 2 x 3 matrix", () -> CsrMatrix.fromTriplets(2, 3,
                new int[] {0}, new int[] {-1}, new double[] {1}));
        assertMessage("entry 1 (row 1, column 1) has value NaN", () -> CsrMatrix.fromTriplets(2, 3,
                new int[] {0, 1}, new int[] {0, 1}, new double[] {1, Double.NaN}));
        assertMessage("2 row indices, 1 column indices and 2 values", () -> CsrMatrix.fromTriplets(2, 3,
                new int[] {0, 1}, new int[] {0}, new double[] {1, 2}));
        assertMessage("entry 2 (row 1, column 0) is unsorted or duplicate", () -> CsrMatrix.fromCsr(2, 3,
                new int[] {0, 1, 3}, new int[] {0, 2, 0}, new double[] {1, 2, 3}));
        CsrMatrix a = random(10);
        assertMessage("value 1 (row 0, column", () -> a.withValues(Var.constant(Tensor.wrap(
                withInfinity(a.nnz()), a.nnz()))));
        assertMessage("values have shape [3]", () -> a.withValues(Var.constant(Tensor.zeros(3))));
        assertMessage("CsrMatrix(7 x 5, " + a.nnz() + " nonzeros).apply: operand has shape [2, 4], its last axis"
                + " must be 5", () -> a.apply(Var.constant(Tensor.zeros(2, 4))));
    }

    @Test
    void badCsrArraysAndDimensionsAreRejectedInOneLine() {
        assertMessage("needs 3 row pointers and 2 values (one per column index), got 2 pointers and 2 values",
                () -> CsrMatrix.fromCsr(2, 3, new int[] {0, 2}, new int[] {0, 1}, new double[] {1, 2}));
        assertMessage("needs 3 row pointers and 2 values (one per column index), got 3 pointers and 1 values",
                () -> CsrMatrix.fromCsr(2, 3, new int[] {0, 1, 2}, new int[] {0, 1}, new double[] {1}));
        assertMessage("row pointers must run from 0 to 2 (the number of column indices), got 0 to 1",
                () -> CsrMatrix.fromCsr(2, 3, new int[] {0, 1, 1}, new int[] {0, 1}, new double[] {1, 2}));
        assertMessage("row pointer 2 is smaller than row pointer 1", () -> CsrMatrix.fromCsr(3, 3,
                new int[] {0, 2, 1, 3}, new int[] {0, 1, 2}, new double[] {1, 2, 3}));
        assertMessage("entry 1 (row 0, column 3) is outside the 2 x 3 matrix", () -> CsrMatrix.fromCsr(2, 3,
                new int[] {0, 2, 2}, new int[] {0, 3}, new double[] {1, 2}));
        assertMessage("entry 1 (row 0, column 1) is unsorted or duplicate", () -> CsrMatrix.fromCsr(2, 3,
                new int[] {0, 2, 2}, new int[] {1, 1}, new double[] {1, 2}));
        assertMessage("value 1 (row 0, column 2) is NaN", () -> CsrMatrix.fromCsr(2, 3,
                new int[] {0, 2, 2}, new int[] {0, 2}, new double[] {1, Double.NaN}));
        assertMessage("value 0 (row 1, column 0) is Infinity", () -> CsrMatrix.fromDense(Tensor.matrix(
                new double[][] {{0, 0}, {Double.POSITIVE_INFINITY, 0}})));
        assertMessage("dimensions must be >= 0, got -1 x 3", () -> CsrMatrix.fromTriplets(-1, 3, new int[0],
                new int[0], new double[0]));
        assertMessage("fromDense: needs a matrix (m, n), got shape [4]", () -> CsrMatrix.fromDense(Tensor.zeros(4)));
        CsrMatrix a = random(11);
        assertMessage(".apply: 5 values for a batch of 1 rows of 7", () -> a.apply(new double[5], 1, new double[5]));
        assertMessage(".adjoint: 4 values for a batch of 1 rows of 5", () -> a.adjoint(new double[7], 1,
                new double[4]));
    }

    private static double[] withInfinity(int n) {
        double[] v = new double[n];
        v[1] = Double.POSITIVE_INFINITY;
        return v;
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
