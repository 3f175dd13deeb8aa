package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.randn;
import static io.foldopt.autodiff.FdCheck.wellConditionedBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Operations given operands of the wrong shapes, and singular systems. */
class BadInputTest {
    private final SplittableRandom rng = new SplittableRandom(55);

    private Var param(int... shape) {
        return Var.param(randn(rng, shape));
    }

    /** Asserts an IllegalArgumentException whose message contains every fragment. */
    private static void assertRejected(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    () -> "message '" + e.getMessage() + "' should mention " + f);
        }
    }

    @Test
    void matmulShapeMismatch() {
        assertRejected(() -> param(3, 4).matmul(param(5, 2)), "matmul", "[3, 4]", "[5, 2]");
        assertRejected(() -> param(2, 3, 4).matmul(param(3, 4, 2)), "[2, 3, 4]", "[3, 4, 2]");
        assertRejected(() -> param(3, 5).matmul(param(2, 4, 2)), "[3, 5]", "[2, 4, 2]");
        assertRejected(() -> param(4).matmul(param(2, 4, 2)), "[4]", "[2, 4, 2]");
        assertRejected(() -> param(4).matmul(param(4)), "[4]");
        assertRejected(() -> Var.scalar(1).matmul(param(1, 2)), "[]", "[1, 2]");
    }

    @Test
    void elementwiseShapeMismatch() {
        assertRejected(() -> param(3, 4).add(param(2, 4)), "[3, 4]", "[2, 4]");
        assertRejected(() -> param(3, 4).mul(param(3)), "[3, 4]", "[3]");
        assertRejected(() -> param(3, 4).min(param(4, 3)), "[3, 4]", "[4, 3]");
        assertRejected(() -> Structure.broadcastTo(param(3, 4), 4), "[3, 4]", "[4]");
        assertRejected(() -> Structure.broadcastTo(param(2, 4), 3, 4), "[2, 4]", "[3, 4]");
        assertRejected(() -> Structure.sumTo(param(3, 4), 3), "[3, 4]", "[3]");
        assertRejected(() -> Structure.sumTo(param(3, 4), 2, 4), "[3, 4]", "[2, 4]");
        assertRejected(() -> param(3, 4).reshape(5, 2), "[5, 2]");
    }

    @Test
    void concatShapeMismatch() {
        assertRejected(() -> Structure.concat(param(3, 2), param(4, 2)), "concat", "[4, 2]", "[3, 2]");
        assertRejected(() -> Structure.concat(param(3, 2), param(2, 3, 2)), "[2, 3, 2]", "[3, 2]");
        assertRejected(() -> Structure.concat(param(3), Var.scalar(1)), "[]", "[3]");
        assertRejected(() -> Structure.concat(Var.scalar(1), param(3)), "[]");
        assertRejected(Structure::concat, "at least one");
    }

    @Test
    void sliceAndEmbedOutOfRange() {
        assertRejected(() -> param(3, 4).slice(2, 5), "[2, 5)", "4");
        assertRejected(() -> param(3, 4).slice(3, 2), "[3, 2)");
        assertRejected(() -> Structure.embed(param(3, 4), 2, 5), "width 4", "5");
    }

    @Test
    void reductionAxisOutOfRange() {
        assertRejected(() -> param(3, 4).sum(2), "axis 2", "[3, 4]");
        assertRejected(() -> param(3, 4).sum(-3), "axis -3", "[3, 4]");
    }

    @Test
    void solveShapeMismatch() {
        assertRejected(() -> LinearAlgebra.solve(param(3, 4), param(2, 4)), "solve", "[3, 4]", "[2, 4]");
        assertRejected(() -> LinearAlgebra.solve(param(4, 4), param(2, 3)), "[4, 4]", "[2, 3]");
        assertRejected(() -> LinearAlgebra.solve(param(2, 4, 4), param(3, 4)), "[2, 4, 4]", "[3, 4]");
        assertRejected(() -> LinearAlgebra.solve(param(2, 4, 4), param(4)), "[2, 4, 4]", "[4]");
        assertRejected(() -> LinearAlgebra.solve(param(4), param(4)), "[4]");
        assertRejected(() -> LinearAlgebra.solve(param(4, 4), Var.scalar(1)), "[4, 4]", "[]");
    }

    @Test
    void solveWithSharedSingularMatrix() {
        Var a = Var.param(Tensor.matrix(new double[][] {{1, 2}, {2, 4}}));
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> LinearAlgebra.solve(a, param(3, 2)));
        assertEquals("solve: matrix is singular", e.getMessage());
    }

    @Test
    void solveWithSingularInstanceNamesIt() {
        double[] a = wellConditionedBatch(rng, 5, 3).toArray();
        java.util.Arrays.fill(a, 2 * 9, 3 * 9, 0.0);
        Var batch = Var.param(Tensor.wrap(a, 5, 3, 3));
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> LinearAlgebra.solve(batch, param(5, 3)));
        assertEquals("solve: matrix of instance 2 is singular", e.getMessage());
    }

    @Test
    void solveWithSingularInstanceInALargeBatchNamesIt() {
        // Large enough that the factorizations run on several threads.
        int batch = 2000;
        int n = 8;
        double[] a = wellConditionedBatch(rng, batch, n).toArray();
        java.util.Arrays.fill(a, 1234 * n * n, 1235 * n * n, 0.0);
        Var mats = Var.param(Tensor.wrap(a, batch, n, n));
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> LinearAlgebra.solve(mats, param(batch, n)));
        assertEquals("solve: matrix of instance 1234 is singular", e.getMessage());
    }
}
