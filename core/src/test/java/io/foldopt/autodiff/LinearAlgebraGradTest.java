package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertClose;
import static io.foldopt.autodiff.FdCheck.assertVjp;
import static io.foldopt.autodiff.FdCheck.randn;
import static io.foldopt.autodiff.FdCheck.wellConditionedBatch;
import static io.foldopt.autodiff.FdCheck.wellConditionedMatrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** First-order VJPs of products, transposes, matrix-vector products and linear solves. */
class LinearAlgebraGradTest {
    private static final int B = 3;
    private final SplittableRandom rng = new SplittableRandom(23);

    @Test
    void matmulBatchTimesShared() {
        assertVjp("(B,k) x (k,m)", v -> v[0].matmul(v[1]), randn(rng, B, 4), randn(rng, 4, 2));
        assertVjp("(B,p,k) x (k,m)", v -> v[0].matmul(v[1]), randn(rng, B, 2, 4), randn(rng, 4, 5));
    }

    @Test
    void matmulRankOneLeftOperand() {
        assertVjp("(k) x (k,m)", v -> v[0].matmul(v[1]), randn(rng, 4), randn(rng, 4, 3));
    }

    @Test
    void matmulBatchTimesBatch() {
        assertVjp("(B,p,k) x (B,k,m)", v -> v[0].matmul(v[1]), randn(rng, B, 2, 4), randn(rng, B, 4, 3));
    }

    @Test
    void matmulSharedTimesBatch() {
        assertVjp("(p,k) x (B,k,m)", v -> v[0].matmul(v[1]), randn(rng, 2, 4), randn(rng, B, 4, 3));
    }

    @Test
    void matmulValuesMatchNaiveProducts() {
        Tensor a = randn(rng, 2, 3);
        Tensor b = randn(rng, B, 3, 4);
        Tensor c = Var.constant(a).matmul(Var.constant(b)).value();
        for (int t = 0; t < B; t++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) {
                        s += a.get(i, k) * b.get(t, k, j);
                    }
                    assertClose(Tensor.scalar(s), Tensor.scalar(c.get(t, i, j)), 1e-14);
                }
            }
        }
    }

    @Test
    void matmulWithEmptyInnerDimensionIsZero() {
        Var a = Var.param(Tensor.zeros(B, 0));
        Var b = Var.param(Tensor.zeros(0, 2));
        Var c = a.matmul(b);
        assertArrayEquals(new int[] {B, 2}, c.shape());
        assertArrayEquals(new double[B * 2], c.value().data());
        Tensor[] g = Autodiff.vjp(new Var[] {c}, new Var[] {a, b}, new Tensor[] {randn(rng, B, 2)});
        assertArrayEquals(new int[] {B, 0}, g[0].shape());
        assertArrayEquals(new int[] {0, 2}, g[1].shape());
    }

    @Test
    void transpose() {
        assertVjp("transpose (m,n)", v -> v[0].transpose(), randn(rng, 3, 4));
        assertVjp("transpose (B,m,n)", v -> v[0].transpose(), randn(rng, B, 3, 4));
    }

    @Test
    void matvec() {
        assertVjp("matvec shared A", v -> LinearAlgebra.matvec(v[0], v[1]), randn(rng, 3, 4), randn(rng, B, 4));
        assertVjp("matvec batched A", v -> LinearAlgebra.matvec(v[0], v[1]), randn(rng, B, 3, 4),
                randn(rng, B, 4));
        Tensor a = randn(rng, B, 3, 4);
        Tensor x = randn(rng, B, 4);
        Tensor y = LinearAlgebra.matvec(Var.constant(a), Var.constant(x)).value();
        assertArrayEquals(new int[] {B, 3}, y.shape());
        for (int t = 0; t < B; t++) {
            for (int i = 0; i < 3; i++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += a.get(t, i, k) * x.get(t, k);
                }
                assertClose(Tensor.scalar(s), Tensor.scalar(y.get(t, i)), 1e-14);
            }
        }
    }

    @Test
    void solveSharedMatrixBatchRhs() {
        assertVjp("solve (n,n) (B,n)", v -> LinearAlgebra.solve(v[0], v[1]), wellConditionedMatrix(rng, 4),
                randn(rng, B, 4));
    }

    @Test
    void solveSharedMatrixSingleRhs() {
        assertVjp("solve (n,n) (n)", v -> LinearAlgebra.solve(v[0], v[1]), wellConditionedMatrix(rng, 4),
                randn(rng, 4));
    }

    @Test
    void solveBatchedMatrix() {
        assertVjp("solve (B,n,n) (B,n)", v -> LinearAlgebra.solve(v[0], v[1]), wellConditionedBatch(rng, B, 4),
                randn(rng, B, 4));
    }

    @Test
    void solveSolvesTheSystem() {
        Var a = Var.constant(wellConditionedBatch(rng, B, 4));
        Var r = Var.constant(randn(rng, B, 4));
        Var z = LinearAlgebra.solve(a, r);
        assertClose(r.value(), LinearAlgebra.matvec(a, z).value(), 1e-13);
    }
}
