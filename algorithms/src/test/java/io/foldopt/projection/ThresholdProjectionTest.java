package io.foldopt.projection;

import static io.foldopt.projection.ProjectionTestSupport.assertGradients;
import static io.foldopt.projection.ProjectionTestSupport.assertSecondOrder;
import static io.foldopt.projection.ProjectionTestSupport.bruteForceProjection;
import static io.foldopt.projection.ProjectionTestSupport.optimalityGap;
import static io.foldopt.projection.ProjectionTestSupport.randn;
import static io.foldopt.projection.ProjectionTestSupport.unit;
import static io.foldopt.projection.ProjectionTestSupport.vjp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Projections#simplex}, {@link Projections#cappedSimplex} and {@link Projections#l1Ball}: against brute
 * force and bisection, VJPs against finite differences, documented ties, bad input.
 */
class ThresholdProjectionTest {
    private static final int B = 5;
    private static final int N = 6;

    /** Constraints {@code -y <= 0} and {@code y <= u} (finite caps only) of a capped simplex. */
    private static double[][] boxRows(double[] u) {
        int n = u.length;
        int finite = 0;
        for (double v : u) {
            finite += Double.isFinite(v) ? 1 : 0;
        }
        double[][] g = new double[n + finite][];
        for (int j = 0, r = n; j < n; j++) {
            g[j] = unit(n, j);
            g[j][j] = -1.0;
            if (Double.isFinite(u[j])) {
                g[r++] = unit(n, j);
            }
        }
        return g;
    }

    private static double[] boxRhs(double[] u) {
        int n = u.length;
        double[] h = new double[boxRows(u).length];
        for (int j = 0, r = n; j < n; j++) {
            if (Double.isFinite(u[j])) {
                h[r++] = u[j];
            }
        }
        return h;
    }

    private static double[] cappedReference(double[] x, double[] u, double k) {
        double[][] ones = {Arrays.stream(x).map(v -> 1.0).toArray()};
        return bruteForceProjection(x, ones, new double[] {k}, boxRows(u), boxRhs(u));
    }

    /** Caps in [0.2, 1.2], one of them infinite in every other instance, and levels in (0, sum u). */
    private static Tensor[] cappedData(long seed, int batch, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = new double[batch * n];
        double[] k = new double[batch];
        for (int b = 0; b < batch; b++) {
            double total = 0;
            for (int j = 0; j < n; j++) {
                u[b * n + j] = 0.2 + rng.nextDouble();
                total += u[b * n + j];
            }
            if (b % 2 == 1) {
                u[b * n + b % n] = Double.POSITIVE_INFINITY;
            }
            k[b] = total * (0.15 + 0.7 * rng.nextDouble());
        }
        return new Tensor[] {Tensor.wrap(u, batch, n), Tensor.wrap(k, batch)};
    }

    @Test
    void simplexMatchesBruteForceAndIsFeasible() {
        Tensor x = randn(1, 1.5, B, N);
        Tensor p = Projections.simplex(Var.constant(x)).value();
        double[] inf = new double[N];
        Arrays.fill(inf, Double.POSITIVE_INFINITY);
        for (int b = 0; b < B; b++) {
            assertArrayEquals(cappedReference(x.row(b), inf, 1.0), p.row(b), 1e-12, "instance " + b);
            double sum = 0;
            for (double v : p.row(b)) {
                assertTrue(v >= 0);
                sum += v;
            }
            assertEquals(1.0, sum, 1e-14);
        }
    }

    @Test
    void cappedSimplexMatchesBruteForce() {
        Tensor x = randn(2, 1.5, B, N);
        Tensor[] uk = cappedData(3, B, N);
        Tensor p = Projections.cappedSimplex(Var.constant(x), Var.constant(uk[0]), Var.constant(uk[1])).value();
        for (int b = 0; b < B; b++) {
            assertArrayEquals(cappedReference(x.row(b), uk[0].row(b), uk[1].get(b)), p.row(b), 1e-12, "instance " + b);
        }
        // Shared caps and level given as a scalar.
        Tensor shared = Projections.cappedSimplex(Var.constant(x), 0.5, 2.0).value();
        double[] half = new double[N];
        Arrays.fill(half, 0.5);
        for (int b = 0; b < B; b++) {
            assertArrayEquals(cappedReference(x.row(b), half, 2.0), shared.row(b), 1e-12, "shared, instance " + b);
        }
    }

    @Test
    void l1BallMatchesBruteForceInsideAndOutside() {
        int n = 4;
        // Rows scaled so that some lie inside the ball and some outside.
        Tensor x = Tensor.wrap(randn(4, 1.0, B, n).toArray(), B, n);
        double[] xd = x.toArray();
        for (int j = 0; j < n; j++) {
            xd[j] *= 0.1;
            xd[n + j] *= 0.2;
        }
        x = Tensor.wrap(xd, B, n);
        Tensor r = Tensor.vector(1.0, 1.5, 0.5, 1.0, 2.0);
        Tensor p = Projections.l1Ball(Var.constant(x), Var.constant(r)).value();
        double[][] signs = new double[1 << n][n];
        for (int s = 0; s < 1 << n; s++) {
            for (int j = 0; j < n; j++) {
                signs[s][j] = (s >>> j & 1) == 0 ? 1.0 : -1.0;
            }
        }
        int inside = 0;
        for (int b = 0; b < B; b++) {
            double[] h = new double[signs.length];
            Arrays.fill(h, r.get(b));
            assertArrayEquals(bruteForceProjection(x.row(b), new double[0][], new double[0], signs, h), p.row(b),
                    1e-12, "instance " + b);
            inside += Arrays.equals(x.row(b), p.row(b)) ? 1 : 0;
        }
        assertTrue(inside >= 1 && inside < B, "inside " + inside);
    }

    /** @return {@code tau} with {@code sum clip(v - tau, 0, u) = k} by 200 bisection steps (an independent reference) */
    private static double bisection(double[] v, double[] u, double k) {
        double lo = -1e3;
        double hi = 1e3;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            double h = 0;
            for (int j = 0; j < v.length; j++) {
                h += Math.min(Math.max(v[j] - mid, 0), u[j]);
            }
            if (h > k) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    @Test
    void largeInstancesMatchBisectionToMachinePrecisionAndAreOptimal() {
        int n = 2000;
        int batch = 3;
        Tensor x = randn(5, 3.0, batch, n);
        Tensor[] uk = cappedData(6, batch, n);
        Tensor ones = Tensor.full(Double.POSITIVE_INFINITY, n);
        Tensor simplex = Projections.simplex(Var.constant(x)).value();
        Tensor capped = Projections.cappedSimplex(Var.constant(x), Var.constant(uk[0]), Var.constant(uk[1])).value();
        Tensor l1 = Projections.l1Ball(Var.constant(x), 10.0).value();
        // Feasible points y (projections of other random points) for the optimality condition <x - p, y - p> <= 0.
        Tensor other = randn(7, 3.0, batch, n);
        Tensor[] feasible = {Projections.simplex(Var.constant(other)).value(),
            Projections.cappedSimplex(Var.constant(other), Var.constant(uk[0]), Var.constant(uk[1])).value(),
            Projections.l1Ball(Var.constant(other), 10.0).value()};
        for (int b = 0; b < batch; b++) {
            double[] xb = x.row(b);
            double[] absX = Arrays.stream(xb).map(Math::abs).toArray();
            double[] u = uk[0].row(b);
            double tauS = bisection(xb, ones.data(), 1.0);
            double tauC = bisection(xb, u, uk[1].get(b));
            double tauL = bisection(absX, ones.data(), 10.0);
            double sumS = 0;
            double sumC = 0;
            double sumL = 0;
            for (int j = 0; j < n; j++) {
                assertEquals(Math.max(xb[j] - tauS, 0), simplex.get(b, j), 1e-13);
                assertEquals(Math.min(Math.max(xb[j] - tauC, 0), u[j]), capped.get(b, j), 1e-13);
                assertEquals(Math.copySign(Math.max(absX[j] - tauL, 0), xb[j]), l1.get(b, j), 1e-13);
                assertTrue(simplex.get(b, j) >= 0 && capped.get(b, j) >= 0 && capped.get(b, j) <= u[j]);
                sumS += simplex.get(b, j);
                sumC += capped.get(b, j);
                sumL += Math.abs(l1.get(b, j));
            }
            assertEquals(1.0, sumS, 1e-12);
            assertEquals(uk[1].get(b), sumC, 1e-12 * uk[1].get(b));
            assertEquals(10.0, sumL, 1e-12);
            Tensor[] projected = {simplex, capped, l1};
            for (int s = 0; s < 3; s++) {
                double gap = optimalityGap(xb, projected[s].row(b), feasible[s].row(b));
                assertTrue(gap <= 1e-10, "set " + s + ", instance " + b + ": <x - p, y - p> = " + gap);
            }
        }
    }

    /**
     * @return the smallest distance of an entry of {@code v} to a kink {@code tau} or {@code tau + u} of the
     *     projection {@code p} (a positive number means the finite-difference check sees a linear map)
     */
    private static double kinkMargin(Tensor v, Tensor p, Function<Integer, Double> cap) {
        double margin = Double.POSITIVE_INFINITY;
        int n = v.dim(1);
        for (int b = 0; b < v.dim(0); b++) {
            double tau = Double.NaN;
            for (int j = 0; j < n; j++) {
                double pj = Math.abs(p.get(b, j));
                if (pj > 0 && pj < cap.apply(b * n + j)) {
                    tau = Math.abs(v.get(b, j)) - pj;
                }
            }
            for (int j = 0; j < n; j++) {
                double a = Math.abs(v.get(b, j));
                margin = Math.min(margin, Math.min(Math.abs(a - tau), Math.abs(a - tau - cap.apply(b * n + j))));
            }
        }
        return margin;
    }

    @Test
    void vjpsMatchFiniteDifferences() {
        Tensor x = randn(8, 1.5, B, N);
        Tensor[] uk = cappedData(9, B, N);
        double margin = Math.min(kinkMargin(x, Projections.simplex(Var.constant(x)).value(), t -> Double.POSITIVE_INFINITY),
                kinkMargin(x, Projections.cappedSimplex(Var.constant(x), Var.constant(uk[0]), Var.constant(uk[1]))
                        .value(), t -> uk[0].data()[t]));
        assertTrue(margin > 1e-3, "test point too close to a kink: " + margin);
        assertGradients(p -> Projections.simplex(p[0]), x);
        assertGradients(p -> Projections.cappedSimplex(p[0], p[1], p[2]), x, uk[0].map(v -> Math.min(v, 1e3)), uk[1]);
        // Shared caps (n) and one level for all instances.
        assertGradients(p -> Projections.cappedSimplex(p[0], p[1], p[2]), x, Tensor.full(0.8, N), Tensor.scalar(2.0));
        Tensor radius = Tensor.vector(1.0, 50.0, 2.0, 0.5, 3.0).reshape(B, 1);
        assertGradients(p -> Projections.l1Ball(p[0], p[1]), x, radius);
        assertSecondOrder(p -> Projections.simplex(p[0]), x);
        assertSecondOrder(p -> Projections.cappedSimplex(p[0], p[1], p[2]), x, uk[0].map(v -> Math.min(v, 1e3)), uk[1]);
        assertSecondOrder(p -> Projections.l1Ball(p[0], p[1]), x, radius);
    }

    @Test
    void simplexEntryExactlyAtThresholdIsNotFree() {
        // tau = 0.25 = x_2 exactly: P = (0.75, 0.25, 0) and F = {0, 1}.
        Var x = Var.param(Tensor.matrix(new double[][] {{1.0, 0.5, 0.25}}));
        Var p = Projections.simplex(x);
        assertArrayEquals(new double[] {0.75, 0.25, 0.0}, p.value().data(), 0.0);
        Tensor grad = vjp(p, Tensor.matrix(new double[][] {{1.0, 2.0, 3.0}}), x)[0];
        // (I_F - 1_F 1_F^T / 2) g: g_F minus its mean 1.5, zero off F.
        assertArrayEquals(new double[] {-0.5, 0.5, 0.0}, grad.data(), 0.0);
    }

    @Test
    void cappedSimplexTiesAtBothBounds() {
        // u = 1, k = 1.75, tau = 0.25: x_0 = tau + u exactly is capped, x_3 = tau exactly is at 0.
        Var x = Var.param(Tensor.matrix(new double[][] {{1.25, 0.5, 0.75, 0.25, -1.0}}));
        Var u = Var.param(Tensor.full(1.0, 5));
        Var k = Var.param(Tensor.scalar(1.75));
        Var p = Projections.cappedSimplex(x, u, k);
        assertArrayEquals(new double[] {1.0, 0.25, 0.5, 0.0, 0.0}, p.value().data(), 0.0);
        Tensor[] grads = vjp(p, Tensor.matrix(new double[][] {{1, 2, 3, 4, 5}}), x, u, k);
        assertArrayEquals(new double[] {0, -0.5, 0.5, 0, 0}, grads[0].data(), 0.0, "x: F = {1, 2}");
        assertArrayEquals(new double[] {1 - 2.5, 0, 0, 0, 0}, grads[1].data(), 0.0, "u: g_U - mean_F g");
        assertEquals(2.5, grads[2].item(), 0.0, "k: mean_F g");
        Var uScalar = Var.param(Tensor.scalar(1.0));
        assertEquals(-1.5, vjp(Projections.cappedSimplex(x, uScalar, k), Tensor.matrix(new double[][] {{1, 2, 3, 4, 5}}),
                uScalar)[0].item(), 0.0, "a shared scalar cap gets the sum");
    }

    @Test
    void cappedSimplexWithoutFreeCoordinatesHasNoCoupling() {
        Var x = Var.param(Tensor.matrix(new double[][] {{0.3, -0.2}, {2.0, 0.1}}));
        Var u = Var.param(Tensor.vector(0.5, 1.0));
        Var k = Var.param(Tensor.vector(0.0, 1.5));
        Var p = Projections.cappedSimplex(x, u, k);
        assertArrayEquals(new double[] {0, 0, 0.5, 1.0}, p.value().data(), 1e-15, "k = 0 and k = sum(u)");
        Tensor[] grads = vjp(p, Tensor.matrix(new double[][] {{1, 2}, {3, 4}}), x, u, k);
        assertArrayEquals(new double[] {0, 0, 0, 0}, grads[0].data(), 0.0, "x");
        assertArrayEquals(new double[] {3, 4}, grads[1].data(), 0.0, "u: e_i on U");
        assertArrayEquals(new double[] {0, 0}, grads[2].data(), 0.0, "k");
    }

    @Test
    void l1BallOnTheSphereIsActiveAndInsideIsIdentity() {
        Var x = Var.param(Tensor.matrix(new double[][] {{0.5, -0.25, 0.25, 0.0}}));
        Var onSphere = Var.param(Tensor.scalar(1.0));
        Var p = Projections.l1Ball(x, onSphere);
        assertArrayEquals(x.value().data(), p.value().data(), 0.0);
        Tensor g = Tensor.full(1.0, 1, 4);
        Tensor[] grads = vjp(p, g, x, onSphere);
        // F = nonzero coordinates, s = (1, -1, 1): g_F - s_F (s^T g / 3) with s^T g = 1.
        assertArrayEquals(new double[] {2.0 / 3, 4.0 / 3, 2.0 / 3, 0}, grads[0].data(), 1e-15);
        assertEquals(1.0 / 3, grads[1].item(), 1e-15);
        Var inside = Var.param(Tensor.scalar(2.0));
        Tensor[] free = vjp(Projections.l1Ball(x, inside), g, x, inside);
        assertArrayEquals(g.data(), free[0].data(), 0.0);
        assertEquals(0.0, free[1].item(), 0.0);
    }

    @Test
    void l1BallEntryExactlyAtThresholdIsNotFree() {
        // ||x||_1 = 1.75 > r = 1: tau = 0.25 = |x_2|, P = (0.75, -0.25, 0), F = {0, 1}, s_F = (1, -1).
        Var x = Var.param(Tensor.matrix(new double[][] {{1.0, -0.5, 0.25}}));
        Var r = Var.param(Tensor.scalar(1.0));
        Var p = Projections.l1Ball(x, r);
        assertArrayEquals(new double[] {0.75, -0.25, 0.0}, p.value().data(), 0.0);
        Tensor[] grads = vjp(p, Tensor.matrix(new double[][] {{1, 2, 3}}), x, r);
        // s^T g / |F| = (1 - 2) / 2 = -0.5.
        assertArrayEquals(new double[] {1.5, 1.5, 0}, grads[0].data(), 0.0);
        assertEquals(-0.5, grads[1].item(), 0.0);
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        double[] bad = randn(10, 1.0, B, N).toArray();
        bad[3 * N] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Projections.simplex(Var.constant(Tensor.wrap(bad, B, N))));
        assertTrue(nan.getMessage().startsWith("simplex") && nan.getMessage().contains("instance 3"), nan.getMessage());
        bad[3 * N] = Double.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> Projections.l1Ball(Var.constant(Tensor.wrap(bad, B, N)), 1));

        Var x = Var.constant(randn(11, 1.0, B, N));
        double[] k = {1, 1, 1, 1, 7};
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> Projections.cappedSimplex(x, Var.scalar(1.0), Var.constant(Tensor.wrap(k, B))));
        assertTrue(tooBig.getMessage().contains("exceeds sum(u)") && tooBig.getMessage().contains("instance 4"),
                tooBig.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Projections.cappedSimplex(x, 1.0, -0.5));
        assertTrue(negative.getMessage().contains("k = -0.5"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Projections.cappedSimplex(x, -1.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> Projections.cappedSimplex(x, Double.NaN, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Projections.cappedSimplex(x, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY));
        IllegalArgumentException radius = assertThrows(IllegalArgumentException.class, () -> Projections.l1Ball(x, -1));
        assertTrue(radius.getMessage().contains("radius = -1.0"), radius.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Projections.l1Ball(x, Double.NaN));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Projections.cappedSimplex(x, Var.scalar(1.0), Var.constant(Tensor.zeros(B + 1))));
        assertTrue(shape.getMessage().contains("k has shape"), shape.getMessage());
    }
}
