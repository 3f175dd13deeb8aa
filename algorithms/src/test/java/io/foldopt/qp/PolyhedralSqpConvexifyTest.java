package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.linalg.Cholesky;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The convexification of the SQP's reduced Hessian: the shift it picks, skipping provably indefinite shifts,
 * is the one of the plain sequence {@code 0, beta - min_i H_ii, 2 tau, ...} that tries every value.
 */
class PolyhedralSqpConvexifyTest {
    /** @return the shift of the plain sequence: the first value whose factorization succeeds */
    private static double plainShift(double[] h, int r) {
        double maxDiag = 1.0;
        double minDiag = Double.POSITIVE_INFINITY;
        for (int i = 0; i < r; i++) {
            maxDiag = Math.max(maxDiag, Math.abs(h[i * r + i]));
            minDiag = Math.min(minDiag, h[i * r + i]);
        }
        double beta = 1e-3 * maxDiag;
        double pivot = 1e-8 * maxDiag;
        double tau = minDiag > pivot ? 0 : beta - minDiag;
        while (!Cholesky.factor(h, r, tau, pivot).isPositiveDefinite()) {
            tau = Math.max(2 * tau, beta);
        }
        return tau;
    }

    @Test
    void picksTheShiftOfThePlainSequence() {
        SplittableRandom rng = new SplittableRandom(11);
        int r = 30;
        int shifted = 0;
        for (int trial = 0; trial < 80; trial++) {
            // Z^T diag(q) Z for an orthonormal-like Z: indefinite when some q_i < 0, as the SQP's reduced Hessians;
            // every fourth trial diagonal (Z = [I; 0]), where the Rayleigh quotient is the smallest eigenvalue and a
            // skip past the first positive definite shift would show.
            double[] z = trial % 4 == 3 ? Tensor.eye(2 * r).data() : Tensor.randn(rng, 2 * r, r).data();
            double zScale = trial % 4 == 3 ? 1.0 : 1.0 / (2 * r);
            double[] q = new double[2 * r];
            double negative = trial % 3 == 0 ? 0.0 : 0.3 * rng.nextDouble();
            for (int i = 0; i < q.length; i++) {
                q[i] = rng.nextDouble() < negative ? -rng.nextDouble() : rng.nextDouble();
            }
            double[] h = new double[r * r];
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < r; j++) {
                    for (int k = 0; k < q.length; k++) {
                        h[i * r + j] += z[k * (trial % 4 == 3 ? 2 * r : r) + i] * q[k]
                                * z[k * (trial % 4 == 3 ? 2 * r : r) + j] * zScale;
                    }
                }
            }
            double tau = plainShift(h, r);
            double[] convexified = h.clone();
            Cholesky factor = PolyhedralSqp.convexify(convexified, r);
            assertTrue(factor.isPositiveDefinite(), "trial " + trial);
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < r; j++) {
                    assertEquals(h[i * r + j] + (i == j ? tau : 0.0), convexified[i * r + j], 0.0,
                            "trial " + trial + ": entry " + i + ", " + j);
                }
            }
            shifted += tau > 0 ? 1 : 0;
        }
        assertTrue(shifted >= 30, "the test needs indefinite matrices, got " + shifted + " shifted of 80");
    }

    @Test
    void aShiftJustAboveTheSmallestEigenvalueIsNotSkipped() {
        // I with the block [1, b; b, c] at the end: lambda_min = ((1 + c) - sqrt((1 - c)^2 + 4 b^2)) / 2 = -0.1852;
        // the sequence tries beta - c = 0.101 (fails), then 0.202, 9% above -lambda_min, which succeeds. The first
        // failure's direction is close to the eigenvector, so its Rayleigh quotient is within 1e-3 of lambda_min:
        // a skip bound too large by 10% would jump past 0.202.
        int r = 6;
        double b = Math.sqrt(0.101);
        double c = -0.1;
        double[] h = Tensor.eye(r).data().clone();
        h[(r - 1) * r + r - 1] = c;
        h[(r - 2) * r + r - 1] = b;
        h[(r - 1) * r + r - 2] = b;
        double tau = plainShift(h, r);
        assertEquals(2 * (1e-3 - c), tau, 1e-15, "the plain sequence's second value");
        double[] convexified = h.clone();
        PolyhedralSqp.convexify(convexified, r);
        assertEquals(c + tau, convexified[(r - 1) * r + r - 1], 0.0);
    }
}
