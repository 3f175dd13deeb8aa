package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DenseLUTest {
    @Test
    void solveAndSolveTransposeHaveBackwardStableResiduals() {
        int n = 80;
        Random random = new Random(7);
        double[] a = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
        }
        double[] copy = a.clone();
        double[] b = Fixtures.uniform(random, n);

        DenseLU lu = DenseLU.factor(a, n);
        assertFalse(lu.isSingular());
        assertArrayEquals(copy, a);
        double[] x = lu.solve(b);
        double[] y = lu.solveTranspose(b);

        assertTrue(scaledResidual(a, x, b, n, false) < 1e-14);
        assertTrue(scaledResidual(a, y, b, n, true) < 1e-14);
        double[] inPlace = b.clone();
        lu.solveInPlace(inPlace);
        assertArrayEquals(x, inPlace);
        inPlace = b.clone();
        lu.solveTransposeInPlace(inPlace);
        assertArrayEquals(y, inPlace);
    }

    @Test
    void pivotingHandlesAZeroLeadingEntry() {
        DenseLU lu = DenseLU.factor(new double[] {0, 2, 3, 0}, 2);
        assertArrayEquals(new double[] {2, 0.5}, lu.solve(new double[] {1, 6}), 1e-15);
        assertArrayEquals(new double[] {0.5, 2.0 / 3}, lu.solveTranspose(new double[] {2, 1}), 1e-15);
    }

    @Test
    void singularMatricesAreDetectedAndRefuseToSolve() {
        int n = 6;
        double[] rankDeficient = Fixtures.nearIdentity(new Random(3), n, 1.0);
        for (int j = 0; j < n; j++) {
            rankDeficient[5 * n + j] = 2 * rankDeficient[j] - rankDeficient[n + j];
        }
        double[] nonFinite = Fixtures.identity(n);
        nonFinite[7] = Double.NaN;
        for (double[] a : new double[][] {rankDeficient, new double[n * n], nonFinite}) {
            DenseLU lu = DenseLU.factor(a, n);
            assertTrue(lu.isSingular());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lu.solve(new double[n]));
            assertTrue(e.getMessage().startsWith("matrix is singular"));
            assertThrows(IllegalStateException.class, () -> lu.solveTranspose(new double[n]));
        }
        assertThrows(IllegalArgumentException.class, () -> DenseLU.factor(new double[5], 2));
        DenseLU identity = DenseLU.factor(Fixtures.identity(2), 2);
        assertThrows(IllegalArgumentException.class, () -> identity.solve(new double[3]));
    }

    /** @return {@code ||op(A) x - b|| / (||A||_F ||x||)} */
    private static double scaledResidual(double[] a, double[] x, double[] b, int n, boolean transpose) {
        double r = 0;
        double fro = 0;
        double xx = 0;
        for (int i = 0; i < n; i++) {
            double s = -b[i];
            for (int j = 0; j < n; j++) {
                s += (transpose ? a[j * n + i] : a[i * n + j]) * x[j];
                fro += a[i * n + j] * a[i * n + j];
            }
            r += s * s;
            xx += x[i] * x[i];
        }
        return Math.sqrt(r / (fro * xx));
    }

    @Test
    void conditionEstimateMatchesTheExactOneNormConditionNumber() {
        // diag(1, 1e-6, 3) permuted: kappa_1 = 3 / 1e-6.
        double[] a = {0, 1e-6, 0, 3, 0, 0, 0, 0, 1};
        assertTrue(Math.abs(DenseLU.factor(a, 3).conditionEstimate() / 3e6 - 1) < 1e-12);
        Random random = new Random(3);
        int n = 30;
        double[] m = new double[n * n];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextGaussian();
        }
        DenseLU lu = DenseLU.factor(m, n);
        double inverseNorm = 0;
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            double[] col = lu.solve(e);
            double s = 0;
            for (double v : col) {
                s += Math.abs(v);
            }
            inverseNorm = Math.max(inverseNorm, s);
        }
        double norm = 0;
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.abs(m[i * n + j]);
            }
            norm = Math.max(norm, s);
        }
        double exact = norm * inverseNorm;
        double estimate = lu.conditionEstimate();
        assertTrue(estimate <= exact * (1 + 1e-10) && estimate >= exact / 3, estimate + " vs " + exact);
        assertTrue(DenseLU.factor(new double[] {1, 1, 1, 1}, 2).conditionEstimate() == Double.POSITIVE_INFINITY);
    }
}
