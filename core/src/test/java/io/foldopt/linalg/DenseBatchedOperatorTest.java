package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DenseBatchedOperatorTest {
    @Test
    void sharedAndPerInstanceMatricesApplyRowByRow() {
        double[] a = {1, 2, 3, 4};
        double[] x = {1, 1, 0, 0, 2, -1};
        double[] y = {9, 9, 9, 9, 9, 9};

        DenseBatchedOperator.shared(a, 2, 3).apply(x, y);
        assertArrayEquals(new double[] {3, 7, 0, 0, 0, 2}, y);

        double[] perInstance = {1, 0, 0, 1, 5, 5, 5, 5, 0, 1, 1, 0};
        DenseBatchedOperator.perInstance(perInstance, 2, 3).apply(x, y);
        assertArrayEquals(new double[] {1, 1, 0, 0, -1, 2}, y);
    }

    @Test
    void wrongSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DenseBatchedOperator.shared(new double[3], 2, 1));
        assertThrows(IllegalArgumentException.class, () -> DenseBatchedOperator.perInstance(new double[4], 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> DenseBatchedOperator.shared(new double[4], 2, 2).apply(new double[4], new double[3]));
    }
}
