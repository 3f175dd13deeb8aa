package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertVjp;
import static io.foldopt.autodiff.FdCheck.avoiding;
import static io.foldopt.autodiff.FdCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** First-order VJPs of the reductions and of the shape operations. */
class ReductionStructureGradTest {
    private final SplittableRandom rng = new SplittableRandom(31);

    @Test
    void sums() {
        Tensor x = randn(rng, 2, 3, 4);
        assertVjp("sum all", v -> v[0].sum(), x);
        for (int axis = -3; axis < 3; axis++) {
            int ax = axis;
            assertVjp("sum axis " + ax, v -> v[0].sum(ax), x);
        }
        assertVjp("sum of a scalar", v -> v[0].sum(), Tensor.scalar(1.5));
        assertVjp("sum axis of a vector", v -> v[0].sum(0), randn(rng, 5));
    }

    @Test
    void sumValues() {
        Var x = Var.constant(Tensor.wrap(new double[] {1, 2, 3, 4, 5, 6}, 1, 2, 3));
        assertArrayEquals(new double[] {5, 7, 9}, x.sum(1).value().data());
        assertArrayEquals(new int[] {1, 3}, x.sum(1).shape());
        assertArrayEquals(new double[] {6, 15}, x.sum(-1).value().data());
        assertEquals(21, x.sum().item());
    }

    @Test
    void means() {
        Tensor x = randn(rng, 2, 3, 4);
        assertVjp("mean all", v -> v[0].mean(), x);
        assertVjp("mean axis 1", v -> v[0].mean(1), x);
        assertVjp("mean axis -1", v -> v[0].mean(-1), x);
        assertEquals(3.5, Var.constant(Tensor.vector(1, 2, 3, 4, 5, 6)).mean().item(), 1e-15);
    }

    @Test
    void dot() {
        assertVjp("dot (B,n) (B,n)", v -> Reductions.dot(v[0], v[1]), randn(rng, 3, 4), randn(rng, 3, 4));
        assertVjp("dot (n) (B,n)", v -> Reductions.dot(v[0], v[1]), randn(rng, 4), randn(rng, 3, 4));
        assertVjp("dot (n) (n)", v -> Reductions.dot(v[0], v[1]), randn(rng, 4), randn(rng, 4));
    }

    @Test
    void norms() {
        Tensor x = randn(rng, 3, 5);
        assertVjp("norm2", v -> Reductions.norm2(v[0]), x);
        assertVjp("norm2 of a vector", v -> Reductions.norm2(v[0]), randn(rng, 5));
        assertVjp("norm1", v -> Reductions.norm1(v[0]), avoiding(rng, -2, 2, 0.1, new double[] {0}, 3, 5));
        assertVjp("normInf", v -> Reductions.normInf(v[0]), x);
        assertVjp("normInf rank 3", v -> Reductions.normInf(v[0]), randn(rng, 2, 3, 4));
    }

    @Test
    void normValuesAndSubgradients() {
        Var x = Var.param(Tensor.matrix(new double[][] {{3, -4}, {0, 0}, {-2, 2}}));
        assertArrayEquals(new double[] {5, 0, Math.sqrt(8)}, Reductions.norm2(x).value().data(), 1e-15);
        assertArrayEquals(new double[] {7, 0, 4}, Reductions.norm1(x).value().data());
        assertArrayEquals(new double[] {4, 0, 2}, Reductions.normInf(x).value().data());
        Tensor g2 = Autodiff.grad(Reductions.norm2(x).sum(), x)[0];
        assertArrayEquals(new double[] {0.6, -0.8, 0, 0, -Math.sqrt(0.5), Math.sqrt(0.5)}, g2.data(), 1e-15);
        Tensor gInf = Autodiff.grad(Reductions.normInf(x).sum(), x)[0];
        assertArrayEquals(new double[] {0, -1, 0, 0, -1, 0}, gInf.data());
    }

    @Test
    void reshapeAndTranspose() {
        assertVjp("reshape", v -> v[0].reshape(4, 3).sin(), randn(rng, 3, 4));
        assertVjp("reshape to rank 3", v -> v[0].reshape(2, 3, 2).transpose(), randn(rng, 3, 4));
    }

    @Test
    void broadcastAndSumTo() {
        assertVjp("broadcastTo (n) -> (B,n)", v -> Structure.broadcastTo(v[0], 3, 4), randn(rng, 4));
        assertVjp("broadcastTo (B,1) -> (B,n)", v -> Structure.broadcastTo(v[0], 3, 4), randn(rng, 3, 1));
        assertVjp("broadcastTo () -> (B,n)", v -> Structure.broadcastTo(v[0], 3, 4), Tensor.scalar(0.7));
        assertVjp("broadcastTo (2,1,4) -> (2,3,4)", v -> Structure.broadcastTo(v[0], 2, 3, 4), randn(rng, 2, 1, 4));
        assertVjp("sumTo (B,n) -> (n)", v -> Structure.sumTo(v[0], 4), randn(rng, 3, 4));
        assertVjp("sumTo (B,n) -> (B,1)", v -> Structure.sumTo(v[0], 3, 1), randn(rng, 3, 4));
        assertVjp("sumTo (B,n) -> ()", v -> Structure.sumTo(v[0]), randn(rng, 3, 4));
        assertVjp("sumTo (2,3,4) -> (2,1,4)", v -> Structure.sumTo(v[0], 2, 1, 4), randn(rng, 2, 3, 4));
        assertVjp("sumTo (2,3,4) -> (3,1)", v -> Structure.sumTo(v[0], 3, 1), randn(rng, 2, 3, 4));
    }

    @Test
    void sliceEmbedConcat() {
        assertVjp("slice", v -> v[0].slice(1, 4), randn(rng, 3, 5));
        assertVjp("slice rank 3", v -> v[0].slice(0, 2), randn(rng, 2, 3, 5));
        assertVjp("embed", v -> Structure.embed(v[0], 2, 6), randn(rng, 3, 3));
        assertVjp("concat", v -> Structure.concat(v[0], v[1], v[2]), randn(rng, 3, 2), randn(rng, 3, 1),
                randn(rng, 3, 4));
        assertVjp("concat same operand twice", v -> Structure.concat(v[0], v[0].sin()), randn(rng, 3, 2));
    }

    @Test
    void sliceEmbedConcatValues() {
        Var x = Var.constant(Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}}));
        assertArrayEquals(new double[] {2, 3, 5, 6}, x.slice(1, 3).value().data());
        assertArrayEquals(new double[] {0, 1, 2, 3, 0, 0, 4, 5, 6, 0}, Structure.embed(x, 1, 5).value().data());
        Var y = Var.constant(Tensor.matrix(new double[][] {{7}, {8}}));
        assertArrayEquals(new double[] {7, 1, 2, 3, 8, 4, 5, 6}, Structure.concat(y, x).value().data());
    }

    @Test
    void concatBackwardIsUnaffectedByLaterChangesToTheOperandArray() {
        Var a = Var.param(randn(rng, 2, 2));
        Var b = Var.param(randn(rng, 2, 3));
        Var[] parts = {a, b};
        Var y = Structure.concat(parts);
        parts[0] = b;
        Tensor[] g = Autodiff.vjp(new Var[] {y}, new Var[] {a, b}, new Tensor[] {Tensor.full(1.0, 2, 5)});
        assertArrayEquals(new int[] {2, 2}, g[0].shape());
        assertArrayEquals(new int[] {2, 3}, g[1].shape());
    }

    @org.junit.jupiter.api.Test
    void zeroWidthSliceAndEmbedKeepTheRows() {
        Var x = Var.param(io.foldopt.tensor.Tensor.zeros(3, 4));
        Var empty = x.slice(2, 2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {3, 0}, empty.shape());
        io.foldopt.tensor.Tensor g = Autodiff.vjp(new Var[] {empty}, new Var[] {x},
                new io.foldopt.tensor.Tensor[] {io.foldopt.tensor.Tensor.zeros(3, 0)})[0];
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {3, 4}, g.shape());
    }
}
