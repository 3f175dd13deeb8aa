package io.foldopt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Construction, access and the cached transpose of {@link Tensor}. */
class TensorTest {
    @Test
    void wrapChecksTheSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(new double[5], 2, 3));
        assertEquals("shape [2, 3] needs 6 values, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new double[0], 2, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new double[2]));
        assertEquals(0, Tensor.wrap(new double[1]).rank());
    }

    @Test
    void wrapSharesOfCopiesAndShapeIsDefensive() {
        double[] d = {1, 2, 3, 4};
        int[] shape = {2, 2};
        Tensor wrapped = Tensor.wrap(d, shape);
        Tensor copied = Tensor.of(d, 2, 2);
        shape[0] = 4;
        d[0] = 9;
        assertEquals(9, wrapped.get(0, 0));
        assertEquals(1, copied.get(0, 0));
        assertArrayEquals(new int[] {2, 2}, wrapped.shape());
        wrapped.shape()[0] = 7;
        assertArrayEquals(new int[] {2, 2}, wrapped.shape());
    }

    @Test
    void accessors() {
        Tensor t = Tensor.wrap(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(6, t.get(1, 2));
        assertEquals(3, t.dim(-1));
        assertEquals(2, t.dim(0));
        assertArrayEquals(new double[] {4, 5, 6}, t.row(1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> t.get(1));
        assertThrows(IllegalStateException.class, t::item);
        assertEquals(2.5, Tensor.scalar(2.5).item());
        assertEquals(Math.sqrt(91), t.norm(), 1e-15);
        assertEquals(6, t.maxAbs());
        assertArrayEquals(new double[] {1, 0, 0, 1}, Tensor.eye(2).data());
        assertArrayEquals(new double[] {7, 7}, Tensor.full(7, 2).data());
        assertThrows(IllegalArgumentException.class, () -> Tensor.matrix(new double[][] {{1, 2}, {3}}));
    }

    @Test
    void finiteness() {
        Tensor t = Tensor.vector(1, Double.NaN, Double.POSITIVE_INFINITY);
        assertFalse(t.isFinite());
        assertEquals(1, t.firstNonFinite());
        assertTrue(Tensor.vector(1, 2).isFinite());
        assertEquals(-1, Tensor.vector(1, 2).firstNonFinite());
    }

    @Test
    void transposeIsCachedAndConsistent() {
        Tensor t = Tensor.randn(new SplittableRandom(1), 3, 2, 4);
        Tensor tt = t.transpose();
        assertSame(tt, t.transpose());
        assertSame(t, tt.transpose());
        assertArrayEquals(new int[] {3, 4, 2}, tt.shape());
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(t.get(b, i, j), tt.get(b, j, i));
                }
            }
        }
        Tensor m = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, m.transpose().data());
        assertArrayEquals(m.data(), m.transpose().transpose().data());
        assertThrows(IllegalArgumentException.class, () -> Tensor.vector(1, 2).transpose());
    }

    @Test
    void reshapeKeepsTheData() {
        Tensor t = Tensor.vector(1, 2, 3, 4, 5, 6);
        Tensor r = t.reshape(3, 2);
        assertEquals(4, r.get(1, 1));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
    }
}
