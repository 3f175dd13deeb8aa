package io.foldopt.operator;

import static io.foldopt.operator.OperatorAssertions.assertAdjoint;
import static io.foldopt.operator.OperatorAssertions.assertMatches;
import static io.foldopt.operator.OperatorAssertions.assertOperator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Structured operators and their combinations: dense equivalents, VJPs, adjointness, bad input. */
class OperatorsTest {
    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), shape);
    }

    /** @return the dense matrix of forward differences with a zero last row */
    private static Tensor difference1d(int n) {
        double[] d = new double[n * n];
        for (int i = 0; i + 1 < n; i++) {
            d[i * n + i] = -1;
            d[i * n + i + 1] = 1;
        }
        return Tensor.wrap(d, n, n);
    }

    @Test
    void finiteDifference1d() {
        assertMatches("D1", new FiniteDifference1d(6), difference1d(6));
        assertMatches("D1 of length 1", new FiniteDifference1d(1), Tensor.zeros(1, 1));
        assertOperator("D1", p -> new FiniteDifference1d(7), null);
    }

    @Test
    void finiteDifference2dMatchesTheDenseGradient() {
        int h = 3;
        int w = 4;
        int hw = h * w;
        double[] d = new double[2 * hw * hw];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int p = r * w + c;
                if (c + 1 < w) {
                    d[p * hw + p] = -1;
                    d[p * hw + p + 1] = 1;
                }
                if (r + 1 < h) {
                    d[(hw + p) * hw + p] = -1;
                    d[(hw + p) * hw + p + w] = 1;
                }
            }
        }
        FiniteDifference2d grad = new FiniteDifference2d(h, w);
        assertEquals(2, grad.channels());
        assertEquals(hw, grad.pixels());
        assertMatches("D2", grad, Tensor.wrap(d, 2 * hw, hw));
        assertOperator("D2", p -> new FiniteDifference2d(4, 3), null);
        assertMatches("D2 of one row", new FiniteDifference2d(1, 3),
                Tensor.wrap(new double[] {-1, 1, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 6, 3));
    }

    @Test
    void diagonalIdentityAndScaling() {
        Tensor w = randn(1, 5);
        double[] dense = new double[25];
        for (int j = 0; j < 5; j++) {
            dense[j * 5 + j] = w.data()[j];
        }
        assertMatches("diag", Operators.diagonal(Var.constant(w)), Tensor.wrap(dense, 5, 5));
        assertOperator("diag", Operators::diagonal, w);
        assertMatches("identity", Operators.identity(4), Tensor.eye(4));
        assertOperator("identity", p -> Operators.identity(4), null);
        assertMatches("2.5 D1", Operators.scale(new FiniteDifference1d(4), 2.5),
                difference1d(4).map(v -> 2.5 * v));
        assertOperator("learned scale", p -> Operators.scale(new FiniteDifference1d(4), p), Tensor.scalar(-0.7));
    }

    @Test
    void sumsCompositionsStacksAndTransposes() {
        Tensor w = randn(2, 4);
        assertOperator("D1 + diag(w)", p -> Operators.sum(new FiniteDifference1d(4), Operators.diagonal(p)), w);
        assertOperator("diag(w) D1 diag(w)", p -> Operators.compose(Operators.diagonal(p), new FiniteDifference1d(4),
                Operators.diagonal(p)), w);
        assertOperator("[diag(w); D1; I]", p -> Operators.stack(Operators.diagonal(p), new FiniteDifference1d(4),
                Operators.identity(4)), w);
        assertOperator("(diag(w) D1)^T", p -> Operators.compose(Operators.diagonal(p), new FiniteDifference1d(4))
                .transpose(), w);
        Tensor d = difference1d(4);
        Tensor stacked = Tensor.wrap(concatRows(d.data(), Tensor.eye(4).data()), 8, 4);
        assertMatches("[D1; I]", Operators.stack(new FiniteDifference1d(4), Operators.identity(4)), stacked);
        assertMatches("D1 D1", Operators.compose(new FiniteDifference1d(4), new FiniteDifference1d(4)),
                Var.constant(d).matmul(Var.constant(d)).value());
        assertMatches("D1 + I", Operators.sum(new FiniteDifference1d(4), Operators.identity(4)),
                Var.constant(d).add(Var.constant(Tensor.eye(4))).value());
        assertMatches("D1^T", new FiniteDifference1d(4).transpose(), d.transpose());
    }

    private static double[] concatRows(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void convolutionMatchesTheDenseCorrelation() {
        int h = 5;
        int w = 6;
        Tensor k = randn(3, 2, 3, 2);
        for (Convolution2d.Padding padding : Convolution2d.Padding.values()) {
            Convolution2d conv = new Convolution2d(h, w, Var.constant(k), padding);
            boolean valid = padding == Convolution2d.Padding.VALID;
            int top = valid ? 0 : 1;
            int left = 0;
            int oh = valid ? h - 2 : h;
            int ow = valid ? w - 1 : w;
            assertEquals(oh, conv.outputHeight());
            assertEquals(ow, conv.outputWidth());
            double[] dense = new double[2 * oh * ow * h * w];
            for (int f = 0; f < 2; f++) {
                for (int r = 0; r < oh; r++) {
                    for (int c = 0; c < ow; c++) {
                        for (int a = 0; a < 3; a++) {
                            for (int b = 0; b < 2; b++) {
                                int rr = r + a - top;
                                int cc = c + b - left;
                                if (rr >= 0 && rr < h && cc >= 0 && cc < w) {
                                    dense[((f * oh + r) * ow + c) * h * w + rr * w + cc] = k.get(f, a, b);
                                }
                            }
                        }
                    }
                }
            }
            assertMatches("conv " + padding, conv, Tensor.wrap(dense, 2 * oh * ow, h * w));
            assertOperator("conv " + padding, p -> new Convolution2d(4, 5, p, padding), randn(4, 2, 3, 3));
        }
    }

    @Test
    void userDefinedOperator() {
        Tensor a = randn(5, 3, 4);
        LinearOperator k = Operators.of(3, 4, x -> Var.constant(x).matmul(Var.constant(a.transpose())).value(),
                y -> Var.constant(y).matmul(Var.constant(a)).value());
        assertMatches("user", k, a);
        assertOperator("user", p -> k, null);
        LinearOperator wrong = Operators.of(3, 4, x -> Tensor.zeros(1, 2), y -> y);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> wrong.apply(Var.constant(Tensor.zeros(2, 4))));
        assertTrue(e.getMessage().contains("the forward function returned shape [1, 2] for an operand (2, 4),"
                + " expected (2, 3)"), e.getMessage());
    }

    @Test
    void normEstimate() {
        LinearOperator k = Operators.diagonal(Var.constant(Tensor.vector(0.5, -4, 2)));
        assertEquals(4, k.normEstimate(40, 1), 1e-9);
        // ||D1|| < 2 and tends to 2 with the length.
        double d = new FiniteDifference1d(200).normEstimate(300, 2);
        assertTrue(d > 1.99 && d < 2, "||D1|| estimate " + d);
    }

    @Test
    void mismatchedShapesAreOneLineErrors() {
        LinearOperator d4 = new FiniteDifference1d(4);
        LinearOperator d5 = new FiniteDifference1d(5);
        assertMessage("Operators.sum: operator 1 (FiniteDifference1d(5)) is 5 x 5, operator 0 (FiniteDifference1d(4))"
                + " is 4 x 4", () -> Operators.sum(d4, d5));
        assertMessage("Operators.compose: operator 0 (FiniteDifference1d(4)) has 4 columns, operator 1"
                + " (FiniteDifference1d(5)) has 5 rows", () -> Operators.compose(d4, d5));
        assertMessage("Operators.stack: operator 1 (FiniteDifference1d(5)) has 5 columns",
                () -> Operators.stack(d4, d5));
        assertMessage("FiniteDifference1d(4).adjoint: operand has shape [2, 5], its last axis must be 4",
                () -> d4.adjoint(Var.constant(Tensor.zeros(2, 5))));
        assertMessage("Identity(3).apply: operand has shape [3, 2], its last axis must be 3",
                () -> Operators.identity(3).apply(Var.constant(Tensor.zeros(3, 2))));
        assertMessage("Convolution2d: 3 x 3 filters do not fit in a 2 x 5 image with VALID padding",
                () -> new Convolution2d(2, 5, Var.constant(Tensor.zeros(1, 3, 3)), Convolution2d.Padding.VALID));
        assertMessage("filters must have shape (F, kh, kw)",
                () -> new Convolution2d(4, 4, Var.constant(Tensor.zeros(3, 3)), Convolution2d.Padding.ZERO));
        assertMessage("Operators.diagonal: weights must be a vector (n), got shape [2, 2]",
                () -> Operators.diagonal(Var.constant(Tensor.zeros(2, 2))));
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void millionPixelGradientRunsInLinearMemory() {
        // 1000 x 1000 image: a dense D would need 2 * 10^12 entries; apply, adjoint and a VJP use O(n).
        FiniteDifference2d grad = new FiniteDifference2d(1000, 1000);
        Var x = Var.param(randn(6, 1, 1_000_000));
        Var dx = grad.apply(x);
        assertEquals(2_000_000, dx.dim(1));
        Tensor g = io.foldopt.autodiff.Autodiff.grad(grad.adjoint(dx).mul(x).sum(), x)[0];
        // d/dx <D^T D x, x> = 2 D^T D x
        double[] dtdx = grad.adjoint(grad.apply(x.value().data(), 1), 1);
        for (int i = 0; i < dtdx.length; i += 9973) {
            assertEquals(2 * dtdx[i], g.data()[i], 1e-9 * Math.max(1, Math.abs(dtdx[i])), "pixel " + i);
        }
        assertAdjoint("D2 1000 x 1000", grad);
    }
}
