package io.foldopt.projection;

import static io.foldopt.projection.ProjectionTestSupport.assertGradients;
import static io.foldopt.projection.ProjectionTestSupport.assertSecondOrder;
import static io.foldopt.projection.ProjectionTestSupport.bruteForceProjection;
import static io.foldopt.projection.ProjectionTestSupport.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Projections#affine}: values for shared and batched {@code A}, VJPs in x, A, b, rank checks. */
class AffineProjectionTest {
    private static final int B = 4;
    private static final int M = 3;
    private static final int N = 7;

    private static double[][] rows(Tensor a, int instance) {
        double[][] r = new double[M][];
        for (int i = 0; i < M; i++) {
            r[i] = new double[N];
            for (int j = 0; j < N; j++) {
                r[i][j] = a.rank() == 2 ? a.get(i, j) : a.get(instance, i, j);
            }
        }
        return r;
    }

    @Test
    void matchesBruteForceForSharedAndBatchedMatrices() {
        Tensor x = randn(1, 2.0, B, N);
        Tensor shared = randn(2, 1.0, M, N);
        Tensor batched = randn(3, 1.0, B, M, N);
        Tensor b = randn(4, 1.0, B, M);
        Tensor bShared = randn(5, 1.0, M);
        Tensor p1 = Projections.affine(Var.constant(x), Var.constant(shared), Var.constant(bShared)).value();
        Tensor p2 = Projections.affine(Var.constant(x), Var.constant(batched), Var.constant(b)).value();
        for (int r = 0; r < B; r++) {
            double[] expected1 = bruteForceProjection(x.row(r), rows(shared, r), bShared.data(), new double[0][],
                    new double[0]);
            double[] expected2 = bruteForceProjection(x.row(r), rows(batched, r), b.row(r), new double[0][],
                    new double[0]);
            assertArrayEquals(expected1, p1.row(r), 1e-12, "shared A, instance " + r);
            assertArrayEquals(expected2, p2.row(r), 1e-12, "batched A, instance " + r);
            for (int i = 0; i < M; i++) {
                assertEquals(b.get(r, i), ProjectionTestSupport.dot(rows(batched, r)[i], p2.row(r)), 1e-12);
            }
        }
    }

    @Test
    void vjpsMatchFiniteDifferencesToSecondOrder() {
        Tensor x = randn(6, 1.0, B, N);
        Tensor shared = randn(7, 1.0, M, N);
        Tensor batched = randn(8, 1.0, B, M, N);
        Tensor b = randn(9, 1.0, B, M);
        assertGradients(p -> Projections.affine(p[0], p[1], p[2]), x, shared, randn(10, 1.0, M));
        assertGradients(p -> Projections.affine(p[0], p[1], p[2]), x, batched, b);
        assertSecondOrder(p -> Projections.affine(p[0], p[1], p[2]), x, shared, b);
        assertSecondOrder(p -> Projections.affine(p[0], p[1], p[2]), x, batched, b);
    }

    @Test
    void rankDeficientMatricesAndBadShapesAreRejected() {
        Var x = Var.constant(randn(11, 1.0, B, N));
        Var b = Var.constant(Tensor.zeros(M));
        double[] a = randn(12, 1.0, B, M, N).toArray();
        // Instance 2: row 2 = row 0 + row 1.
        int off = 2 * M * N;
        for (int j = 0; j < N; j++) {
            a[off + 2 * N + j] = a[off + j] + a[off + N + j];
        }
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> Projections.affine(x, Var.constant(Tensor.wrap(a, B, M, N)), b));
        assertTrue(rank.getMessage().contains("singular in instance 2") && rank.getMessage().contains("full row rank"),
                rank.getMessage());
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                () -> Projections.affine(x, Var.constant(Tensor.zeros(M, N)), b));
        assertTrue(shared.getMessage().contains("singular") && !shared.getMessage().contains("instance"),
                shared.getMessage());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> Projections.affine(x, Var.constant(randn(13, 1.0, N + 1, N)), Var.constant(Tensor.zeros(N + 1))));
        assertTrue(wide.getMessage().contains("m <= n"), wide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Projections.affine(x, Var.constant(randn(14, 1.0, M, N + 1)), b));
        assertThrows(IllegalArgumentException.class,
                () -> Projections.affine(x, Var.constant(randn(15, 1.0, M, N)), Var.constant(Tensor.zeros(M + 1))));
        double[] nan = randn(16, 1.0, M, N).toArray();
        nan[4] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> Projections.affine(x, Var.constant(Tensor.wrap(nan, M, N)), b));
        double[] badX = x.value().toArray();
        badX[3 * N] = Double.POSITIVE_INFINITY;
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> Projections.affine(Var.constant(Tensor.wrap(badX, B, N)), Var.constant(randn(17, 1.0, M, N)), b));
        assertTrue(inf.getMessage().contains("instance 3"), inf.getMessage());
    }
}
