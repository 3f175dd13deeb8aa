package io.foldopt.topk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import io.foldopt.status.Status;
import io.foldopt.topk.TopK.Entropy;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The smoothed top-k layers: feasibility, stationarity, and VJPs against finite differences. */
class TopKTest {
    private static final int B = 4;
    private static final int N = 12;
    private static final int K = 3;

    @ParameterizedTest
    @EnumSource(Entropy.class)
    void solutionIsFeasibleAndStationary(Entropy entropy) {
        double eps = 0.3;
        Tensor c = Tensor.randn(new SplittableRandom(1), B, N).map(v -> 2 * v);
        Tensor x = TopK.layer(Var.constant(c), K, eps, entropy).value();
        for (int b = 0; b < B; b++) {
            double sum = 0;
            double nu = Double.NaN;
            for (int i = 0; i < N; i++) {
                double xi = x.get(b, i);
                assertTrue(xi > 0 && xi <= 1, "x in (0, 1]: " + xi);
                sum += xi;
                if (xi < 1) {
                    // Stationarity on the free coordinates: c_i - eps * d(-H)/dx_i = nu, the same for all i.
                    double dh = entropy == Entropy.BINARY ? Math.log(xi / (1 - xi)) : Math.log(xi) + 1;
                    double nuI = x.get(b, i) > 0 ? c.get(b, i) - eps * dh : Double.NaN;
                    if (Double.isNaN(nu)) {
                        nu = nuI;
                    }
                    assertEquals(nu, nuI, 1e-9, "multiplier of instance " + b);
                }
            }
            assertEquals(K, sum, 1e-12);
        }
    }

    @ParameterizedTest
    @EnumSource(Entropy.class)
    void solutionsPassTheIndependentCheckFromTinyToHugeScoresAndTemperatures(Entropy entropy) {
        // The multiplier's search (Newton steps inside a bisection bracket) over scores and eps that differ by up to
        // 300 orders of magnitude.
        int n = 40;
        for (double scale : new double[] {1e-300, 1e-8, 1, 30, 1e6, 1e300}) {
            for (double eps : new double[] {1e-300, 1e-3, 1, 100, 1e300}) {
                Tensor c = Tensor.randn(new SplittableRandom(3), B, n).map(v -> scale * v);
                Tensor x = TopK.layer(Var.constant(c), K, eps, entropy).value();
                for (int b = 0; b < B; b++) {
                    double[] cb = java.util.Arrays.copyOfRange(c.data(), b * n, (b + 1) * n);
                    double[] xb = java.util.Arrays.copyOfRange(x.data(), b * n, (b + 1) * n);
                    TopK.Check check = TopK.check(cb, xb, K, eps, entropy);
                    assertEquals(Status.OPTIMAL, check.status(), "scale " + scale + ", eps " + eps + ", instance "
                            + b + ": " + check);
                }
            }
        }
    }

    @Test
    void shannonLayerCapsLargeScoresAtOne() {
        Tensor c = Tensor.of(new double[] {5, 4.5, 0, 0.1, -1, 0.2, 0.3, -0.5}, 1, 8);
        Tensor x = TopK.shannonEntropy(Var.constant(c), 3, 0.5).value();
        assertEquals(1.0, x.get(0, 0));
        assertEquals(1.0, x.get(0, 1));
    }

    @ParameterizedTest
    @EnumSource(Entropy.class)
    void vjpMatchesFiniteDifferences(Entropy entropy) {
        Tensor c = Tensor.randn(new SplittableRandom(2), B, N);
        GradientCheck.Result r = GradientCheck.check(p -> TopK.layer(p[0], K, 0.4, entropy), new Tensor[] {c}, 6,
                1e-6, 3);
        assertTrue(r.passes(1e-7), entropy + ": worst relative error " + r.worstRelativeError());
    }

    @Test
    void badInputsAreRejected() {
        Var c = Var.constant(Tensor.zeros(2, 5));
        assertThrows(IllegalArgumentException.class, () -> TopK.binaryEntropy(c, 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TopK.binaryEntropy(c, 5, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TopK.binaryEntropy(c, 2, 0.0));
        double[] bad = new double[10];
        bad[7] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopK.binaryEntropy(Var.constant(Tensor.wrap(bad, 2, 5)), 2, 1.0));
        assertTrue(e.getMessage().contains("instance 1"), e.getMessage());
    }
}
