package io.foldopt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Batch statistics, running statistics (PyTorch's update) and evaluation mode, on hand-computed data. */
class BatchNormTest {
    private static final double EPS = 1e-5;

    private static Var batch(double[][] rows) {
        return Var.constant(Tensor.matrix(rows));
    }

    @Test
    void trainingNormalizesWithTheBiasedBatchVariance() {
        BatchNorm1d bn = new BatchNorm1d(2);
        // Columns: mean 3 and 6, biased variance 8/3 and 32/3.
        double[] y = bn.forward(batch(new double[][] {{1, 2}, {3, 6}, {5, 10}})).value().data();
        double a = 2 / Math.sqrt(8 / 3.0 + EPS);
        double b = 4 / Math.sqrt(32 / 3.0 + EPS);
        assertArrayEquals(new double[] {-a, -b, 0, 0, a, b}, y, 1e-15);
    }

    @Test
    void runningStatisticsFollowThePyTorchUpdate() {
        BatchNorm1d bn = new BatchNorm1d(2);
        assertArrayEquals(new double[] {0, 0}, bn.runningMean().data());
        assertArrayEquals(new double[] {1, 1}, bn.runningVar().data());
        // Batch 1: mean (3, 6), unbiased variance (8/2, 32/2) = (4, 16).
        bn.forward(batch(new double[][] {{1, 2}, {3, 6}, {5, 10}}));
        // m = 0.9 * 0 + 0.1 * mean, v = 0.9 * 1 + 0.1 * unbiased variance.
        assertArrayEquals(new double[] {0.3, 0.6}, bn.runningMean().data(), 1e-15);
        assertArrayEquals(new double[] {1.3, 2.5}, bn.runningVar().data(), 1e-15);
        // Batch 2: mean (1, 2), unbiased variance (2, 8).
        bn.forward(batch(new double[][] {{0, 0}, {2, 4}}));
        assertArrayEquals(new double[] {0.9 * 0.3 + 0.1, 0.9 * 0.6 + 0.2}, bn.runningMean().data(), 1e-15);
        assertArrayEquals(new double[] {0.9 * 1.3 + 0.2, 0.9 * 2.5 + 0.8}, bn.runningVar().data(), 1e-15);
    }

    @Test
    void evaluationUsesTheRunningStatisticsAndLeavesThemAlone() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.forward(batch(new double[][] {{1, 2}, {3, 6}, {5, 10}}));
        bn.gamma().set(Tensor.vector(2, -1));
        bn.beta().set(Tensor.vector(0.5, 3));
        bn.eval();
        // One sample is fine in evaluation mode; m = (0.3, 0.6), v = (1.3, 2.5).
        double[] y = bn.forward(batch(new double[][] {{1, 1}})).value().data();
        assertArrayEquals(new double[] {2 * (1 - 0.3) / Math.sqrt(1.3 + EPS) + 0.5,
                -(1 - 0.6) / Math.sqrt(2.5 + EPS) + 3}, y, 1e-15);
        bn.forward(batch(new double[][] {{7, 7}, {9, 9}}));
        assertArrayEquals(new double[] {0.3, 0.6}, bn.runningMean().data(), 1e-15);
        assertArrayEquals(new double[] {1.3, 2.5}, bn.runningVar().data(), 1e-15);
    }

    @Test
    void trainingNeedsTwoSamplesAndTheRightWidth() {
        BatchNorm1d bn = new BatchNorm1d(2);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(batch(new double[][] {{1, 2}})));
        assertThrows(IllegalArgumentException.class, () -> bn.forward(batch(new double[][] {{1, 2, 3}, {4, 5, 6}})));
    }
}
