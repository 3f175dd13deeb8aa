package io.foldopt.experiments.denoising2d;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.check.AdjointCheck;
import io.foldopt.check.GradientCheck;
import io.foldopt.operator.LinearOperator;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The learned analysis operator: its action against the definition, its VJPs (image and raw filter weights) against
 * central finite differences, adjointness, zero response to constant images and the norm bound.
 */
class FilterBankTest {
    private static final int SIDE = 5;

    private static Tensor randomFilters(long seed, int k) {
        return Tensor.randn(new SplittableRandom(seed), k, 3, 3);
    }

    @Test
    void matchesTheDefinitionAndAnnihilatesConstants() {
        Tensor raw = randomFilters(1, 3);
        double[] w = FilterBank.normalized(Var.constant(raw)).value().data();
        double[] x = Tensor.randn(new SplittableRandom(2), SIDE * SIDE).data();
        LinearOperator d = FilterBank.operator(SIDE, Var.constant(raw));
        double[] dx = d.apply(x, 1);
        for (int k = 0; k < 3; k++) {
            double l1 = 0;
            for (int t = 0; t < 9; t++) {
                l1 += t == 4 ? 0 : Math.abs(w[k * 9 + t]);
            }
            assertEquals(1, l1, 1e-2, "the off-centre weights of filter " + k + " have l1 norm about 1");
            assertEquals(0, w[k * 9 + 4], "the centre weight is not used");
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    double expected = 0;
                    for (int t = 0; t < 9; t++) {
                        int rr = r + t / 3 - 1;
                        int cc = c + t % 3 - 1;
                        if (t != 4 && rr >= 0 && rr < SIDE && cc >= 0 && cc < SIDE) {
                            expected += w[k * 9 + t] * (x[rr * SIDE + cc] - x[r * SIDE + c]);
                        }
                    }
                    assertEquals(expected, dx[k * SIDE * SIDE + r * SIDE + c], 1e-12, "filter " + k + " at " + r
                            + ", " + c);
                }
            }
        }
        double[] flat = Tensor.full(0.7, SIDE * SIDE).data();
        for (double v : d.apply(flat, 1)) {
            assertEquals(0, v, 1e-12, "a constant image has no response, also at the border");
        }
        assertTrue(AdjointCheck.relativeGap(d, 3) <= 1e-12, "D^T is the adjoint of D");
        double norm = d.normEstimate(200, 4);
        assertTrue(norm <= FilterBank.normBound(3), "||D|| = " + norm + " exceeds the bound");
    }

    @Test
    void differencesAreTheForwardDifferencesInFourDirections() {
        LinearOperator d = FilterBank.operator(SIDE, Var.constant(FilterBank.differences()));
        double[] x = new double[SIDE * SIDE];
        x[2 * SIDE + 2] = 1;
        double[] dx = d.apply(x, 1);
        double scale = 1 / (Math.sqrt(1 + 1e-6) + 7e-3);
        int n = SIDE * SIDE;
        // Channel right: (D x)(p) = x(p + (0, 1)) - x(p), nonzero at (2, 1) (+) and (2, 2) (-).
        assertEquals(scale, dx[2 * SIDE + 1], 1e-12);
        assertEquals(-scale, dx[2 * SIDE + 2], 1e-12);
        // Channel down-left: offset (1, -1): +1 at (1, 3), -1 at (2, 2).
        assertEquals(scale, dx[3 * n + SIDE + 3], 1e-12);
        assertEquals(-scale, dx[3 * n + 2 * SIDE + 2], 1e-12);
        double squares = 0;
        for (double v : dx) {
            squares += v * v;
        }
        assertEquals(4 * 2 * scale * scale, squares, 1e-12, "two entries in each of the four directions");
    }

    @Test
    void gradientsWithRespectToTheImageAndTheRawWeightsMatchFiniteDifferences() {
        Tensor x = Tensor.randn(new SplittableRandom(5), 2, SIDE * SIDE);
        Tensor y = Tensor.randn(new SplittableRandom(6), 2, 4 * SIDE * SIDE);
        Tensor raw = randomFilters(7, 4);
        GradientCheck.Result apply = GradientCheck.check(v -> FilterBank.operator(SIDE, v[1]).apply(v[0]),
                new Tensor[] {x, raw}, 3, 1e-6, 8);
        assertTrue(apply.passes(1e-6), "D x: " + apply.worstRelativeError());
        GradientCheck.Result adjoint = GradientCheck.check(v -> FilterBank.operator(SIDE, v[1]).adjoint(v[0]),
                new Tensor[] {y, raw}, 3, 1e-6, 9);
        assertTrue(adjoint.passes(1e-6), "D^T y: " + adjoint.worstRelativeError());
    }

    @Test
    void badFiltersAreNamed() {
        assertEquals("FilterBank: the filters must have shape (K, 3, 3), got [2, 5, 5]", assertThrows(
                IllegalArgumentException.class, () -> FilterBank.normalized(Var.constant(Tensor.zeros(2, 5, 5))))
                .getMessage());
        Tensor nan = FilterBank.differences().map(v -> v == 1 ? Double.NaN : v);
        String message = assertThrows(IllegalArgumentException.class,
                () -> FilterBank.operator(4, Var.constant(nan))).getMessage();
        assertTrue(message.startsWith("FilterBank: a filter weight is not finite"), message);
        assertFalse(message.contains("\n"), message);
    }
}
