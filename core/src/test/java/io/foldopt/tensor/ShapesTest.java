package io.foldopt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Broadcasting rules and {@link Shapes#sumTo} as the adjoint of broadcasting. */
class ShapesTest {
    /** Operand shape and broadcast shape pairs: suffix, stretched inner axis, scalar, mixed. */
    private static final int[][][] BROADCASTS = {
        {{4}, {3, 4}},
        {{}, {3, 4}},
        {{1}, {3, 4}},
        {{3, 1}, {3, 4}},
        {{1, 4}, {3, 4}},
        {{2, 1, 4}, {2, 3, 4}},
        {{3, 1}, {2, 3, 4}},
        {{1, 1}, {2, 3}},
        {{2, 3}, {2, 3}},
    };

    @Test
    void broadcastShapes() {
        assertArrayEquals(new int[] {3, 4}, Shapes.broadcast(new int[] {4}, new int[] {3, 4}));
        assertArrayEquals(new int[] {2, 3, 4}, Shapes.broadcast(new int[] {2, 1, 4}, new int[] {3, 1}));
        assertArrayEquals(new int[] {3, 4}, Shapes.broadcast(new int[] {}, new int[] {3, 4}));
        assertArrayEquals(new int[] {0, 4}, Shapes.broadcast(new int[] {0, 1}, new int[] {4}));
    }

    @Test
    void incompatibleBroadcastNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shapes.broadcast(new int[] {3, 4}, new int[] {2, 4}));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kernels.binary(Tensor.zeros(3), Tensor.zeros(4),
                Kernels.BinaryOp.ADD));
    }

    @Test
    void sumToIsTheAdjointOfBroadcasting() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int[][] c : BROADCASTS) {
            Tensor x = Tensor.randn(rng, c[0]);
            Tensor y = Tensor.randn(rng, c[1]);
            Tensor bx = Kernels.binary(Tensor.zeros(c[1]), x, Kernels.BinaryOp.ADD);
            Tensor sy = Shapes.sumTo(y, c[0]);
            assertArrayEquals(c[0], sy.shape());
            assertEquals(dot(bx, y), dot(x, sy), 1e-12, () -> java.util.Arrays.deepToString(c));
        }
    }

    @Test
    void sumToValues() {
        Tensor t = Tensor.wrap(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new double[] {5, 7, 9}, Shapes.sumTo(t, new int[] {3}).data());
        assertArrayEquals(new double[] {6, 15}, Shapes.sumTo(t, new int[] {2, 1}).data());
        assertArrayEquals(new double[] {21}, Shapes.sumTo(t, new int[] {}).data());
        assertSame(t, Shapes.sumTo(t, new int[] {2, 3}));
    }

    @Test
    void sumToRejectsShapesThatDoNotBroadcastToTheSource() {
        Tensor t = Tensor.zeros(2, 3);
        for (int[] bad : new int[][] {{2}, {3, 3}, {6}, {1, 2, 3}, {4, 1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shapes.sumTo(t, bad));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains(java.util.Arrays.toString(bad)),
                    e.getMessage());
        }
    }

    @Test
    void sizes() {
        assertEquals(1, Shapes.size(new int[0]));
        assertEquals(24, Shapes.size(new int[] {2, 3, 4}));
        assertThrows(IllegalArgumentException.class, () -> Shapes.size(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> Shapes.size(new int[] {1 << 16, 1 << 16}));
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.data()[i] * b.data()[i];
        }
        return s;
    }
}
