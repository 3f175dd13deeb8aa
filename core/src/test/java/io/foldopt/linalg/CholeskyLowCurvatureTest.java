package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.RandomMatrices;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The direction of low curvature that a failed Cholesky factorization yields. */
class CholeskyLowCurvatureTest {
    @Test
    void failedFactorizationGivesADirectionOfCurvatureAtMostThePivotThreshold() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rng.nextInt(12);
            // A = S - t I with S positive definite and t above its smallest eigenvalue for some trials.
            double[] a = RandomMatrices.spd(n, 0.05, rng.nextLong()).data();
            double t = rng.nextDouble(0, 3);
            double shift = rng.nextDouble(-0.5, 0.5);
            double minPivot = rng.nextDouble(0, 0.1);
            for (int i = 0; i < n; i++) {
                a[i * n + i] -= t;
            }
            Cholesky c = Cholesky.factor(a, n, shift, minPivot);
            if (c.isPositiveDefinite()) {
                assertThrows(IllegalStateException.class, c::lowCurvatureDirection);
                continue;
            }
            double[] d = c.lowCurvatureDirection();
            double curvature = 0;
            double scale = 0;
            for (int i = 0; i < n; i++) {
                double row = Vec.dot(a, i * n, d, 0, n) + shift * d[i];
                curvature += d[i] * row;
                scale += Math.abs(d[i]) * (Math.abs(row) + 1);
            }
            assertTrue(curvature <= minPivot + 1e-12 * scale, "d^T (A + shift I) d = " + curvature + " > "
                    + minPivot);
            int last = n - 1;
            while (d[last] == 0) {
                last--;
            }
            assertTrue(d[last] == 1.0, "the failed pivot's entry is 1, the later ones 0");
        }
    }

    @Test
    void indefiniteTwoByTwo() {
        // Eigenvalues 3 and -1: the pivot of the second row is 1 - 4 = -3, d = (-2, 1) with d^T A d = -3.
        Cholesky c = Cholesky.factor(new double[] {1, 2, 2, 1}, 2);
        assertFalse(c.isPositiveDefinite());
        double[] d = c.lowCurvatureDirection();
        assertTrue(d[0] == -2 && d[1] == 1, d[0] + ", " + d[1]);
    }
}
