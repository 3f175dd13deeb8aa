package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.RandomMatrices;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CholeskyTest {
    @Test
    void solvesShiftedPositiveDefiniteSystemsToRoundingErrors() {
        // 43 leaves three columns past the blocks of four of each row.
        for (int n : new int[] {40, 43}) {
            double[] a = RandomMatrices.spd(n, 0.1, 3).data();
            double[] b = new double[n];
            SplittableRandom rng = new SplittableRandom(4);
            for (int i = 0; i < n; i++) {
                b[i] = rng.nextGaussian();
            }
            for (double shift : new double[] {0.0, 2.5}) {
                Cholesky c = Cholesky.factor(a, n, shift, 0.0);
                assertTrue(c.isPositiveDefinite());
                double[] x = c.solve(b);
                double worst = 0;
                for (int i = 0; i < n; i++) {
                    double r = Vec.dot(a, i * n, x, 0, n) + shift * x[i] - b[i];
                    worst = Math.max(worst, Math.abs(r));
                }
                assertTrue(worst < 1e-12 * Vec.normInf(b), "n " + n + ", shift " + shift + ": residual " + worst);
            }
        }
    }

    /**
     * The triangular halves: {@code L^{-1}} on the rows of a matrix equals it column by column on vectors,
     * {@code ||L^{-1} b||^2 = b^T A^{-1} b}, and the halves in turn are the solve.
     */
    @Test
    void triangularSolvesOnVectorsAndOnTheRowsOfAMatrixAgree() {
        int n = 13;
        int cols = 7;
        double[] a = RandomMatrices.spd(n, 0.1, 5).data();
        Cholesky c = Cholesky.factor(a, n);
        SplittableRandom rng = new SplittableRandom(6);
        double[][] rows = new double[n][cols];
        for (double[] row : rows) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] b = new double[cols][n];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < n; i++) {
                b[j][i] = rows[i][j];
            }
        }
        c.solveLowerInPlace(rows);
        for (int j = 0; j < cols; j++) {
            double[] y = b[j].clone();
            c.solveLowerInPlace(y);
            double[] x = c.solve(b[j]);
            assertEquals(Vec.dot(b[j], x), Vec.dot(y, y), 1e-12 * Vec.dot(y, y), "b^T A^-1 b = ||L^-1 b||^2");
            for (int i = 0; i < n; i++) {
                assertEquals(y[i], rows[i][j], 1e-13 * Vec.normInf(y), "row " + i + ", column " + j);
            }
            c.solveUpperInPlace(y);
            for (int i = 0; i < n; i++) {
                assertEquals(x[i], y[i], 0.0, "L^-T L^-1 b is the solve");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> c.solveLowerInPlace(new double[n + 1][cols]));
    }

    @Test
    void failsOnIndefiniteMatricesUntilTheShiftMakesThemDefinite() {
        // Eigenvalues 3 and -1.
        double[] a = {1, 2, 2, 1};
        assertFalse(Cholesky.factor(a, 2).isPositiveDefinite());
        assertFalse(Cholesky.factor(a, 2, 0.99, 0.0).isPositiveDefinite());
        assertTrue(Cholesky.factor(a, 2, 1.01, 0.0).isPositiveDefinite());
        // The pivots of A + 1.01 I are 2.01 and 2.01 - 4 / 2.01 = 0.0199...: a threshold above that fails.
        assertFalse(Cholesky.factor(a, 2, 1.01, 0.02).isPositiveDefinite());
        assertTrue(Cholesky.factor(a, 2, 1.01, 0.019).isPositiveDefinite());
        // Semidefinite: fails unshifted (pivot exactly 0), succeeds with any positive shift.
        double[] psd = {1, 1, 1, 1};
        assertFalse(Cholesky.factor(psd, 2).isPositiveDefinite());
        assertTrue(Cholesky.factor(psd, 2, 1e-12, 0.0).isPositiveDefinite());
    }

    @Test
    void rejectsNonFiniteEntriesAndBadArguments() {
        assertFalse(Cholesky.factor(new double[] {Double.NaN}, 1).isPositiveDefinite());
        assertFalse(Cholesky.factor(new double[] {4, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 4}, 2)
                .isPositiveDefinite());
        assertThrows(IllegalStateException.class, () -> Cholesky.factor(new double[] {-1}, 1).solve(new double[1]));
        assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(new double[3], 2));
        assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(new double[1], 1, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(new double[] {1}, 1).solve(new double[2]));
        assertEquals(0, Cholesky.factor(new double[0], 0).size());
    }
}
