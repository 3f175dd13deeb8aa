package io.foldopt.projection;

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
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Projections#halfspace} and {@link Projections#hyperplane}: values, VJPs in x, a, b, the boundary, bad input. */
class HalfspaceProjectionTest {
    private static final int B = 6;
    private static final int N = 4;
    private static final double[][] NONE = new double[0][];

    @Test
    void matchesBruteForceWithPerInstanceAndSharedNormals() {
        Tensor x = randn(1, 1.0, B, N);
        Tensor a = randn(2, 1.0, B, N);
        Tensor b = randn(3, 1.0, B);
        Tensor half = Projections.halfspace(Var.constant(x), Var.constant(a), Var.constant(b)).value();
        Tensor plane = Projections.hyperplane(Var.constant(x), Var.constant(a), Var.constant(b)).value();
        int inside = 0;
        for (int r = 0; r < B; r++) {
            double[][] ar = {a.row(r)};
            double[] br = {b.get(r)};
            assertArrayEquals(bruteForceProjection(x.row(r), NONE, new double[0], ar, br), half.row(r), 1e-12);
            assertArrayEquals(bruteForceProjection(x.row(r), ar, br, NONE, new double[0]), plane.row(r), 1e-12);
            assertEquals(b.get(r), ProjectionTestSupport.dot(a.row(r), plane.row(r)), 1e-12);
            inside += Arrays.equals(x.row(r), half.row(r)) ? 1 : 0;
        }
        assertTrue(inside >= 1 && inside < B, "inside " + inside);
        Tensor shared = Projections.halfspace(Var.constant(x), Var.constant(Tensor.vector(1, -1, 0.5, 2)),
                Var.scalar(0.25)).value();
        for (int r = 0; r < B; r++) {
            assertArrayEquals(bruteForceProjection(x.row(r), NONE, new double[0], new double[][] {{1, -1, 0.5, 2}},
                    new double[] {0.25}), shared.row(r), 1e-12);
        }
    }

    @Test
    void vjpsMatchFiniteDifferencesToSecondOrder() {
        Tensor x = randn(4, 1.0, B, N);
        Tensor a = randn(5, 1.0, B, N);
        Tensor b = randn(6, 1.0, B, 1);
        for (boolean equality : new boolean[] {false, true}) {
            Function<Var[], Var> f = p -> equality ? Projections.hyperplane(p[0], p[1], p[2])
                    : Projections.halfspace(p[0], p[1], p[2]);
            assertGradients(f, x, a, b);
            assertGradients(f, x, Tensor.vector(0.5, -1, 2, 1), Tensor.scalar(-0.3));
            assertSecondOrder(f, x, a, b);
            assertSecondOrder(f, x, Tensor.vector(0.5, -1, 2, 1), Tensor.scalar(-0.3));
        }
    }

    @Test
    void pointOnTheBoundaryIsActiveAndInteriorIsIdentity() {
        // a^T x = 3 = b: P = x, dP/dx = I - a a^T / 5, dP/db = a / 5, (dP/da)^T g = -(a^T g / 5) x (t = 0).
        Var x = Var.param(Tensor.matrix(new double[][] {{1.0, 1.0}}));
        Var a = Var.param(Tensor.vector(1.0, 2.0));
        Var b = Var.param(Tensor.scalar(3.0));
        Var p = Projections.halfspace(x, a, b);
        assertArrayEquals(new double[] {1.0, 1.0}, p.value().data(), 0.0);
        Tensor g = Tensor.matrix(new double[][] {{1.0, 0.0}});
        Tensor[] grads = vjp(p, g, x, a, b);
        assertArrayEquals(new double[] {0.8, -0.4}, grads[0].data(), 1e-15, "x");
        assertArrayEquals(new double[] {-0.2, -0.2}, grads[1].data(), 1e-15, "a");
        assertEquals(0.2, grads[2].item(), 1e-15, "b");
        Var above = Var.param(Tensor.scalar(3.5));
        Tensor[] interior = vjp(Projections.halfspace(x, a, above), g, x, a, above);
        assertArrayEquals(g.data(), interior[0].data(), 0.0);
        assertArrayEquals(new double[] {0, 0}, interior[1].data(), 0.0);
        assertEquals(0.0, interior[2].item(), 0.0);
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        Var x = Var.constant(randn(7, 1.0, B, N));
        double[] a = randn(8, 1.0, B, N).toArray();
        Arrays.fill(a, 2 * N, 3 * N, 0.0);
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Projections.halfspace(x, Var.constant(Tensor.wrap(a, B, N)), Var.scalar(0)));
        assertTrue(zero.getMessage().contains("a = 0 in instance 2") && zero.getMessage().contains("nonzero"),
                zero.getMessage());
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                () -> Projections.hyperplane(x, Var.constant(Tensor.zeros(N)), Var.scalar(0)));
        assertTrue(shared.getMessage().startsWith("hyperplane: a = 0;"), shared.getMessage());
        double[] bad = x.value().toArray();
        bad[5 * N + 1] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Projections.hyperplane(Var.constant(Tensor.wrap(bad, B, N)), Var.constant(Tensor.full(1.0, N)),
                        Var.scalar(0)));
        assertTrue(nan.getMessage().contains("instance 5"), nan.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Projections.halfspace(x, Var.constant(Tensor.full(1.0, N)), Var.scalar(Double.NaN)));
        assertThrows(IllegalArgumentException.class,
                () -> Projections.halfspace(x, Var.constant(Tensor.full(1.0, N + 1)), Var.scalar(0)));
    }
}
