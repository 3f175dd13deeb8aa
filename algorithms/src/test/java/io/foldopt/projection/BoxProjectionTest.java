package io.foldopt.projection;

import static io.foldopt.projection.ProjectionTestSupport.assertClose;
import static io.foldopt.projection.ProjectionTestSupport.assertGradients;
import static io.foldopt.projection.ProjectionTestSupport.assertSecondOrder;
import static io.foldopt.projection.ProjectionTestSupport.bruteForceProjection;
import static io.foldopt.projection.ProjectionTestSupport.randn;
import static io.foldopt.projection.ProjectionTestSupport.vjp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Projections#box} and {@link Projections#nonnegative}: values, VJPs, bounds exactly hit, bad input. */
class BoxProjectionTest {
    private static final int B = 4;
    private static final int N = 5;

    /** Lower bounds per instance, all below -0.2, with one absent ({@code -inf}) bound per row. */
    private static Tensor lowerBounds() {
        double[] l = randn(1, 1.0, B, N).map(v -> -0.2 - Math.abs(v)).toArray();
        for (int b = 0; b < B; b++) {
            l[b * N + b] = Double.NEGATIVE_INFINITY;
        }
        return Tensor.wrap(l, B, N);
    }

    /** Shared upper bounds {@code (n)}, one of them {@code +inf}. */
    private static Tensor upperBounds() {
        return Tensor.vector(0.5, 1.0, Double.POSITIVE_INFINITY, 0.8, 1.2);
    }

    @Test
    void matchesBruteForceProjectionWithInfiniteBounds() {
        Tensor x = randn(2, 2.0, B, N);
        Tensor l = lowerBounds();
        Tensor u = upperBounds();
        Tensor p = Projections.box(Var.constant(x), Var.constant(l), Var.constant(u)).value();
        for (int b = 0; b < B; b++) {
            List<double[]> g = new ArrayList<>();
            List<Double> h = new ArrayList<>();
            for (int j = 0; j < N; j++) {
                if (Double.isFinite(l.get(b, j))) {
                    g.add(ProjectionTestSupport.unit(N, j));
                    h.add(-l.get(b, j));
                    g.get(g.size() - 1)[j] = -1.0;
                }
                if (Double.isFinite(u.get(j))) {
                    g.add(ProjectionTestSupport.unit(N, j));
                    h.add(u.get(j));
                }
            }
            double[] expected = bruteForceProjection(x.row(b), new double[0][], new double[0], g.toArray(double[][]::new),
                    h.stream().mapToDouble(Double::doubleValue).toArray());
            assertArrayEquals(expected, p.row(b), 1e-12, "instance " + b);
        }
    }

    @Test
    void scalarSharedAndBatchedBoundsAgree() {
        Tensor x = randn(3, 2.0, B, N);
        Tensor viaScalars = Projections.box(Var.constant(x), -0.5, 0.7).value();
        Tensor viaVectors = Projections.box(Var.constant(x), Var.constant(Tensor.full(-0.5, N)),
                Var.constant(Tensor.full(0.7, B, N))).value();
        assertClose(viaScalars, viaVectors, 0.0, "bounds as scalars and as tensors");
        for (double v : viaScalars.data()) {
            assertTrue(v >= -0.5 && v <= 0.7);
        }
    }

    @Test
    void vjpsMatchFiniteDifferencesForEveryBoundShape() {
        // Points at least 0.1 away from every bound, so that no finite-difference step crosses a kink.
        Tensor x = randn(4, 1.5, B, N).map(v -> Math.abs(v - 0.5) < 0.1 || Math.abs(v + 0.5) < 0.1 ? v + 0.25 : v);
        Tensor lower = Tensor.full(-0.5, B, N);
        assertGradients(p -> Projections.box(p[0], p[1], p[2]), x, lower, Tensor.full(0.5, N));
        assertGradients(p -> Projections.box(p[0], p[1], p[2]), x, Tensor.scalar(-0.5), Tensor.scalar(0.5));
        assertSecondOrder(p -> Projections.box(p[0], p[1], p[2]), x, lower, Tensor.full(0.5, N));
    }

    @Test
    void gradientsGoToTheBoundThatIsHit() {
        Tensor x = Tensor.matrix(new double[][] {{-2.0, 0.0, 3.0, 1.0}});
        Tensor g = Tensor.matrix(new double[][] {{1.0, 2.0, 3.0, 4.0}});
        Var xv = Var.param(x);
        Var lower = Var.param(Tensor.vector(-1.0, -1.0, -1.0, -1.0));
        Var upper = Var.param(Tensor.vector(1.0, 1.0, 1.0, 1.0));
        Tensor[] grads = vjp(Projections.box(xv, lower, upper), g, xv, lower, upper);
        assertArrayEquals(new double[] {0, 2, 0, 0}, grads[0].data(), 0.0, "x: only the free coordinate");
        assertArrayEquals(new double[] {1, 0, 0, 0}, grads[1].data(), 0.0, "lower");
        // x_3 = 1 exactly at the upper bound counts as at the bound.
        assertArrayEquals(new double[] {0, 0, 3, 4}, grads[2].data(), 0.0, "upper");
    }

    @Test
    void coordinateExactlyAtABoundIsAtThatBound() {
        Var x = Var.param(Tensor.matrix(new double[][] {{-1.0, 1.0, 0.5, 0.5}}));
        Var lower = Var.param(Tensor.vector(-1.0, -1.0, 0.5, 0.0));
        Var upper = Var.param(Tensor.vector(1.0, 1.0, 0.5, 2.0));
        Var p = Projections.box(x, lower, upper);
        assertArrayEquals(new double[] {-1.0, 1.0, 0.5, 0.5}, p.value().data(), 0.0);
        Tensor[] grads = vjp(p, Tensor.full(1.0, 1, 4), x, lower, upper);
        assertArrayEquals(new double[] {0, 0, 0, 1}, grads[0].data(), 0.0, "x");
        // At a degenerate bound l = u = x the cotangent goes to the lower bound.
        assertArrayEquals(new double[] {1, 0, 1, 0}, grads[1].data(), 0.0, "lower");
        assertArrayEquals(new double[] {0, 1, 0, 0}, grads[2].data(), 0.0, "upper");
    }

    @Test
    void nonnegativeClipsAndZeroIsAtTheBound() {
        Var x = Var.param(Tensor.matrix(new double[][] {{-1.0, 0.0, 2.0}, {3.0, -0.5, 0.25}}));
        Var p = Projections.nonnegative(x);
        assertArrayEquals(new double[] {0, 0, 2, 3, 0, 0.25}, p.value().data(), 0.0);
        Tensor grad = vjp(p, Tensor.full(1.0, 2, 3), x)[0];
        assertArrayEquals(new double[] {0, 0, 1, 1, 0, 1}, grad.data(), 0.0);
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        double[] bad = randn(5, 1.0, B, N).toArray();
        bad[2 * N + 3] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Projections.box(Var.constant(Tensor.wrap(bad, B, N)), -1, 1));
        assertTrue(nan.getMessage().contains("instance 2") && nan.getMessage().contains("coordinate 3"),
                nan.getMessage());
        bad[2 * N + 3] = Double.NEGATIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> Projections.nonnegative(Var.constant(Tensor.wrap(bad, B, N))));

        Var x = Var.constant(randn(6, 1.0, B, N));
        double[] lower = new double[B * N];
        lower[N + 1] = 2.0;
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Projections.box(x, Var.constant(Tensor.wrap(lower, B, N)), Var.scalar(1.0)));
        assertTrue(empty.getMessage().contains("instance 1") && empty.getMessage().contains("empty"),
                empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Projections.box(x, Double.NaN, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Projections.box(x, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Projections.box(x, Var.constant(Tensor.zeros(N + 1)), Var.scalar(1.0)));
        assertTrue(shape.getMessage().contains("lower has shape"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Projections.nonnegative(Var.constant(Tensor.zeros(N))));
        assertEquals(0, Projections.nonnegative(Var.constant(Tensor.zeros(0, N))).value().size());
    }
}
