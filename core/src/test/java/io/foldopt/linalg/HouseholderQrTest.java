package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HouseholderQrTest {
    @Test
    void factorsTallAndSquareMatricesIntoOrthogonalTimesTriangular() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int[] shape : new int[][] {{9, 4}, {6, 6}, {5, 1}, {3, 0}}) {
            int rows = shape[0];
            int cols = shape[1];
            double[] m = new double[rows * cols];
            for (int i = 0; i < m.length; i++) {
                m[i] = rng.nextGaussian();
            }
            HouseholderQr qr = HouseholderQr.factor(m, rows, cols);
            double[] q = qr.q();
            double[] r = qr.r();
            double worst = 0;
            // Q^T Q = I.
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    double s = 0;
                    for (int k = 0; k < rows; k++) {
                        s += q[k * rows + i] * q[k * rows + j];
                    }
                    worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
                }
            }
            // M = Q_1 R, R upper triangular.
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int k = 0; k <= j; k++) {
                        s += q[i * rows + k] * r[k * cols + j];
                    }
                    worst = Math.max(worst, Math.abs(s - m[i * cols + j]));
                    if (i < cols && i > j) {
                        assertEquals(0.0, r[i * cols + j]);
                    }
                }
            }
            assertTrue(worst < 1e-13, rows + "x" + cols + ": " + worst);
            assertTrue(qr.diagonalRatio() > 0, rows + "x" + cols);
        }
    }

    @Test
    void diagonalRatioDetectsRankDeficiencyAndBadInputIsRejected() {
        // Second column twice the first.
        double[] m = {1, 2, 3, 6, -1, -2, 0.5, 1};
        HouseholderQr qr = HouseholderQr.factor(m, 4, 2);
        assertTrue(qr.diagonalRatio() < 1e-15, "ratio " + qr.diagonalRatio());
        assertEquals(1.0, HouseholderQr.factor(new double[0], 2, 0).diagonalRatio());
        assertThrows(IllegalArgumentException.class, () -> HouseholderQr.factor(new double[6], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> HouseholderQr.factor(new double[] {Double.NaN}, 1, 1));
    }
}
