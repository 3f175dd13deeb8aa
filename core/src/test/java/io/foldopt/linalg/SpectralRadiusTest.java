package io.foldopt.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SpectralRadiusTest {
    @Test
    void symmetricMatricesWithPositiveAndNegativeDominantEigenvalues() {
        int n = 30;
        Random random = new Random(12);
        double[] matrices = new double[2 * n * n];
        double[][] spectra = {spectrum(n, 0.9), spectrum(n, -0.95)};
        for (int b = 0; b < 2; b++) {
            double[] q = Fixtures.orthogonal(random, n);
            double[] m = Fixtures.similarity(q, spectra[b], n);
            System.arraycopy(m, 0, matrices, b * n * n, n * n);
        }

        double[] rho = SpectralRadius.estimate(DenseBatchedOperator.perInstance(matrices, n, 2), 200, 1);

        assertEquals(0.9, rho[0], 0.02 * 0.9);
        assertEquals(0.95, rho[1], 0.02 * 0.95);
    }

    @Test
    void complexDominantPairOfANonNormalMatrix() {
        int n = 12;
        Random random = new Random(13);
        double radius = 0.8;
        double angle = 1.0;
        double[] block = new double[n * n];
        block[0] = radius * Math.cos(angle);
        block[1] = -radius * Math.sin(angle);
        block[n] = radius * Math.sin(angle);
        block[n + 1] = radius * Math.cos(angle);
        for (int i = 2; i < n; i++) {
            block[i * n + i] = 0.6 * (i % 2 == 0 ? 1 : -1) * i / n;
        }
        double[] s = Fixtures.nearIdentity(random, n, 0.3);
        double[] m = Fixtures.multiply(Fixtures.multiply(s, block, n), Fixtures.inverse(s, n), n);

        double[] rho = SpectralRadius.estimate(DenseBatchedOperator.shared(m, n, 1), 400, 5);

        assertEquals(radius, rho[0], 0.02 * radius);
    }

    @Test
    void averagingWindowTamesOscillatingGrowthOfAStronglyNonNormalRotation() {
        // diag(1, 10) R(angle) diag(1, 1/10) scaled by 0.9: one growth factor swings between about 0.09 and 9.
        double radius = 0.9;
        double angle = 0.7;
        double[] m = {
            radius * Math.cos(angle), -10 * radius * Math.sin(angle),
            radius * Math.sin(angle) / 10, radius * Math.cos(angle)};

        double[] rho = SpectralRadius.estimate(DenseBatchedOperator.shared(m, 2, 3), 1000, 8);

        // The oscillation contributes O(log(100) / window) to the log of the estimate.
        assertArrayEquals(new double[] {radius, radius, radius}, rho, 0.01 * radius);
    }

    @Test
    void identityMinusRecoversPhiFromTheSolverOperator() {
        int n = 20;
        Random random = new Random(14);
        double[] phi = Fixtures.similarity(Fixtures.orthogonal(random, n), spectrum(n, 0.7), n);
        double[] a = Fixtures.identity(n);
        double[] phiT = Fixtures.transpose(phi, n);
        for (int i = 0; i < n * n; i++) {
            a[i] -= phiT[i];
        }

        BatchedOperator op = SpectralRadius.identityMinus(DenseBatchedOperator.shared(a, n, 3));
        double[] rho = SpectralRadius.estimate(op, 200, 3);

        assertArrayEquals(new double[] {0.7, 0.7, 0.7}, rho, 0.02 * 0.7);
        assertArrayEquals(rho, SpectralRadius.estimate(op, 200, 3), 0.0);
    }

    @Test
    void nilpotentOperatorHasZeroEstimateAndIterationsAreValidated() {
        double[] shift = {0, 1, 0, 0};
        assertArrayEquals(new double[] {0}, SpectralRadius.estimate(DenseBatchedOperator.shared(shift, 2, 1), 10, 0));
        assertThrows(IllegalArgumentException.class,
                () -> SpectralRadius.estimate(DenseBatchedOperator.shared(shift, 2, 1), 0, 0));
    }

    /** @return eigenvalues with the dominant one first and the others in [-0.6 |dominant|, 0.6 |dominant|] */
    private static double[] spectrum(int n, double dominant) {
        double[] d = new double[n];
        d[0] = dominant;
        for (int i = 1; i < n; i++) {
            d[i] = 0.6 * Math.abs(dominant) * (2.0 * i / n - 1);
        }
        return d;
    }
}
