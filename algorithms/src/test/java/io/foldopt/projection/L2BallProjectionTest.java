package io.foldopt.projection;

import static io.foldopt.projection.ProjectionTestSupport.assertGradients;
import static io.foldopt.projection.ProjectionTestSupport.assertSecondOrder;
import static io.foldopt.projection.ProjectionTestSupport.optimalityGap;
import static io.foldopt.projection.ProjectionTestSupport.randn;
import static io.foldopt.projection.ProjectionTestSupport.vjp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Projections#l2Ball}: closed form and optimality, VJPs to second order, the sphere itself, bad input. */
class L2BallProjectionTest {
    private static final int B = 6;
    private static final int N = 5;
    /** Radii per instance: instances 1 and 4 contain their points ({@code ||x|| ~ 2}). */
    private static final Tensor RADIUS = Tensor.vector(1.0, 10.0, 0.5, 1.5, 20.0, 0.0);

    @Test
    void projectionIsFeasibleAndOptimal() {
        Tensor x = randn(1, 1.0, B, N);
        Tensor p = Projections.l2Ball(Var.constant(x), Var.constant(RADIUS)).value();
        SplittableRandom rng = new SplittableRandom(2);
        for (int b = 0; b < B; b++) {
            double[] xb = x.row(b);
            double[] pb = p.row(b);
            double norm = Math.sqrt(ProjectionTestSupport.dot(xb, xb));
            double r = RADIUS.get(b);
            double pNorm = Math.sqrt(ProjectionTestSupport.dot(pb, pb));
            assertEquals(Math.min(norm, r), pNorm, 1e-14, "instance " + b);
            for (int j = 0; j < N; j++) {
                assertEquals(xb[j] * Math.min(1, r / norm), pb[j], 1e-15);
            }
            for (int k = 0; k < 20; k++) {
                // A random point of the ball.
                double[] y = Tensor.randn(rng, N).data();
                double scale = r * Math.pow(rng.nextDouble(), 1.0 / N) / Math.sqrt(ProjectionTestSupport.dot(y, y));
                for (int j = 0; j < N; j++) {
                    y[j] *= scale;
                }
                assertTrue(optimalityGap(xb, pb, y) <= 1e-14, "instance " + b);
            }
        }
    }

    @Test
    void vjpsMatchFiniteDifferencesToSecondOrder() {
        Tensor x = randn(3, 1.0, B, N);
        Tensor radius = Tensor.vector(1.0, 10.0, 0.5, 1.5, 20.0, 0.3);
        assertGradients(p -> Projections.l2Ball(p[0], p[1]), x, radius);
        assertGradients(p -> Projections.l2Ball(p[0], p[1]), x, Tensor.scalar(0.8));
        assertSecondOrder(p -> Projections.l2Ball(p[0], p[1]), x, radius.reshape(B, 1));
    }

    @Test
    void pointOnTheSphereUsesTheActiveDerivative() {
        // ||x|| = 5 = r exactly: P = x, dP/dx = I - x x^T / 25, dP/dr = x / 5.
        Var x = Var.param(Tensor.matrix(new double[][] {{3.0, 4.0}}));
        Var r = Var.param(Tensor.scalar(5.0));
        Var p = Projections.l2Ball(x, r);
        assertArrayEquals(new double[] {3.0, 4.0}, p.value().data(), 0.0);
        Tensor[] grads = vjp(p, Tensor.matrix(new double[][] {{1.0, 0.0}}), x, r);
        assertArrayEquals(new double[] {1 - 9.0 / 25, -12.0 / 25}, grads[0].data(), 1e-15);
        assertEquals(3.0 / 5, grads[1].item(), 1e-15);
    }

    @Test
    void zeroRadiusAndZeroPoint() {
        Var x = Var.param(Tensor.matrix(new double[][] {{0.0, 0.0}, {3.0, 4.0}}));
        Var r = Var.param(Tensor.scalar(0.0));
        Var p = Projections.l2Ball(x, r);
        assertArrayEquals(new double[] {0, 0, 0, 0}, p.value().data(), 0.0);
        Tensor[] grads = vjp(p, Tensor.matrix(new double[][] {{1.0, 2.0}, {1.0, 2.0}}), x, r);
        assertArrayEquals(new double[] {0, 0, 0, 0}, grads[0].data(), 0.0, "the ball {0}: dP/dx = 0");
        assertEquals((3.0 + 8.0) / 5, grads[1].item(), 1e-15, "dP/dr = x / ||x||, 0 at x = 0");
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        double[] bad = randn(4, 1.0, B, N).toArray();
        bad[N + 2] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Projections.l2Ball(Var.constant(Tensor.wrap(bad, B, N)), 1.0));
        assertTrue(nan.getMessage().contains("instance 1"), nan.getMessage());
        Var x = Var.constant(randn(5, 1.0, B, N));
        double[] radius = {1, 1, -2, 1, 1, 1};
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Projections.l2Ball(x, Var.constant(Tensor.wrap(radius, B))));
        assertTrue(negative.getMessage().contains("radius = -2.0 in instance 2"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Projections.l2Ball(x, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Projections.l2Ball(x, Var.constant(Tensor.zeros(B, 2))));
    }
}
