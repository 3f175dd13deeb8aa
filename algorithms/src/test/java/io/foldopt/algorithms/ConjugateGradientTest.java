package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The differentiable CG solve {@code x = (M^T M + s I)^{-1} r} with a captured {@code M} and {@code s}: its value
 * against a dense solve, its VJP (a second CG solve) against central finite differences, and its errors.
 */
class ConjugateGradientTest {
    private static final Tensor M0 = randn(41, 9, 7);
    private static final Tensor R0 = randn(42, 3, 7);

    private static UnaryOperator<Var> normal(Var m, Var shift) {
        return v -> v.matmul(m.transpose()).matmul(m).add(v.mul(shift));
    }

    @Test
    void solvesTheSystem() {
        Var m = Var.constant(M0);
        Var x = ConjugateGradient.solve(normal(m, Var.scalar(0.5)), Var.constant(R0), 1e-13, 100);
        Tensor a = m.transpose().matmul(m).add(Var.constant(Tensor.eye(7)).mul(0.5)).value();
        Tensor ref = LinearAlgebra.solve(Var.constant(a), Var.constant(R0)).value();
        assertTrue(relErr(x.value(), ref) < 1e-11, "error " + relErr(x.value(), ref));
    }

    @Test
    void vjpToRightHandSideOperatorAndShiftMatchesFiniteDifferences() {
        assertFiniteDifferences(p -> ConjugateGradient.solve(normal(p[1], p[2]), p[0], 1e-14, 200),
                new Tensor[] {R0, M0, Tensor.scalar(0.5)}, 1e-6, 1e-7);
    }

    @Test
    void badInputsGetClearErrors() {
        Var r = Var.constant(R0);
        ArithmeticException indefinite = assertThrows(ArithmeticException.class,
                () -> ConjugateGradient.solve(v -> v.neg(), r, 1e-10, 100));
        assertTrue(indefinite.getMessage().contains("not positive definite"), indefinite.getMessage());
        ArithmeticException slow = assertThrows(ArithmeticException.class,
                () -> ConjugateGradient.solve(normal(Var.constant(M0), Var.scalar(1e-3)), r, 1e-14, 2));
        assertTrue(slow.getMessage().contains("did not converge on instance 0"), slow.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ConjugateGradient.solve(v -> v.slice(0, 3), r, 1e-10, 100));
        assertTrue(shape.getMessage().contains("must return (3, 7)"), shape.getMessage());
    }
}
