package io.foldopt.prox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.operator.FiniteDifference2d;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Group soft-thresholding and ball projections over channel-blocked layouts: values, VJPs, bad input. */
class GroupL2Test {
    private static final int B = 2;
    private static final int K = 3;
    private static final int N = 4;

    private static Tensor v() {
        return Tensor.randn(new SplittableRandom(1), B, K * N);
    }

    /** @return the norm of group {@code j} of row {@code b} */
    private static double norm(Tensor v, int b, int j) {
        double s = 0;
        for (int k = 0; k < K; k++) {
            s += v.get(b, k * N + j) * v.get(b, k * N + j);
        }
        return Math.sqrt(s);
    }

    /** @return per-group thresholds: half the norm (active) or 1.5 times it (zeroed), alternating */
    private static Tensor thresholds(Tensor v) {
        double[] t = new double[B * N];
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < N; j++) {
                t[b * N + j] = norm(v, b, j) * ((b + j) % 2 == 0 ? 0.5 : 1.5);
            }
        }
        return Tensor.wrap(t, B, N);
    }

    @Test
    void proxShrinksEachGroupTowardsZero() {
        Tensor v = v();
        Tensor t = thresholds(v);
        Tensor y = GroupL2.prox(Var.constant(v), K, Var.constant(t)).value();
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < N; j++) {
                double s = Math.max(0, 1 - t.get(b, j) / norm(v, b, j));
                for (int k = 0; k < K; k++) {
                    assertEquals(s * v.get(b, k * N + j), y.get(b, k * N + j), 1e-15);
                }
            }
        }
    }

    @Test
    void vjpsMatchFiniteDifferencesForEveryThresholdShape() {
        Tensor v = v();
        Tensor perGroup = thresholds(v);
        Tensor perColumn = Tensor.wrap(new double[] {perGroup.get(0, 0), perGroup.get(0, 1), 0.2, 5.0}, N);
        for (Tensor t : new Tensor[] {perGroup, perColumn, Tensor.scalar(0.9)}) {
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < N; j++) {
                    double th = t.rank() == 0 ? t.item() : t.rank() == 1 ? t.get(j) : t.get(b, j);
                    assertTrue(Math.abs(norm(v, b, j) - th) > 1e-3, "no group at its kink");
                }
            }
            GradientCheck.Result r = GradientCheck.check(x -> GroupL2.prox(x[0], K, x[1]), new Tensor[] {v, t}, 4,
                    1e-6, 7);
            assertTrue(r.passes(1e-6), "threshold shape " + t.rank() + ": " + r.worstRelativeError());
            GradientCheck.Result p = GradientCheck.check(x -> GroupL2.projectBalls(x[0], K, x[1]),
                    new Tensor[] {v, t}, 4, 1e-6, 8);
            assertTrue(p.passes(1e-6), "projection, threshold shape " + t.rank() + ": " + p.worstRelativeError());
        }
    }

    @Test
    void projectionLandsInTheBalls() {
        Tensor v = v();
        Tensor r = thresholds(v);
        Tensor y = GroupL2.projectBalls(Var.constant(v), K, Var.constant(r)).value();
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < N; j++) {
                double expected = Math.min(norm(v, b, j), r.get(b, j));
                assertEquals(expected, norm(y, b, j), 1e-12);
            }
        }
    }

    @Test
    void isotropicTotalVariationGroupsArePixels() {
        // A horizontal ramp: every pixel but the last column has gradient (1, 0); the prox with t = 0.25 keeps 0.75.
        FiniteDifference2d d = new FiniteDifference2d(2, 3);
        Tensor img = Tensor.wrap(new double[] {0, 1, 2, 0, 1, 2}, 1, 6);
        Tensor y = GroupL2.prox(d.apply(Var.constant(img)), d.channels(), Var.scalar(0.25)).value();
        assertEquals(0.75, y.get(0, 0), 1e-15);
        assertEquals(0.0, y.get(0, 2), 1e-15);
        assertEquals(0.0, y.get(0, d.pixels()), 1e-15);
    }

    @Test
    void badInput() {
        Var v = Var.constant(v());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupL2.prox(v, 5, Var.scalar(1)));
        assertEquals("GroupL2: 5 channels do not divide the last axis of shape [2, 12]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GroupL2.prox(v, K, Var.scalar(-1)));
        assertEquals("GroupL2: threshold must be finite and >= 0, got -1.0 for group 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GroupL2.prox(v, K, Var.constant(Tensor.zeros(3))));
        assertEquals("GroupL2: threshold of shape [3] does not broadcast to the group shape [2, 4]", e.getMessage());
        Var x = Var.param(v());
        Var y = GroupL2.prox(x, K, Var.scalar(0.5));
        Var g = Autodiff.gradGraph(y.mul(y).sum(), x);
        UnsupportedOperationException twice = assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.grad(g.sum(), x));
        assertTrue(twice.getMessage().contains("GroupL2.prox"), twice.getMessage());
    }

    @Test
    void isotropicTotalVariationExampleOfTheApiPage() {
        // The example of docs/api.md on 8 x 8 images: the loss is differentiable in the images and the weight.
        FiniteDifference2d d = new FiniteDifference2d(8, 8);
        Tensor noisy = Tensor.randn(new SplittableRandom(9), 2, 64);
        Function<Var[], Var> loss = v -> {
            Var grad = d.apply(v[0]);
            Var shrunk = GroupL2.prox(grad, d.channels(), v[1]);
            return d.adjoint(shrunk).sub(v[0]).pow(2).sum();
        };
        Var images = Var.param(noisy);
        Var lambda = Var.param(Tensor.scalar(0.1));
        Tensor[] g = Autodiff.grad(loss.apply(new Var[] {images, lambda}), images, lambda);
        assertEquals(128, g[0].size());
        GradientCheck.Result r = GradientCheck.check(loss, new Tensor[] {noisy, Tensor.scalar(0.1)}, 3, 1e-6, 10);
        assertTrue(r.passes(1e-6), "relative error " + r.worstRelativeError());
    }
}
