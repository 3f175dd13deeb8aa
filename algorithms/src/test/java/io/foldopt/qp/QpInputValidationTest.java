package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Invalid inputs are rejected with an {@link IllegalArgumentException} that names the parameter and instance. */
class QpInputValidationTest {
    private final RandomQp.Planted d = RandomQp.planted(31, 3, 4, 1, 2, 1, 0, false);

    private static void rejected(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    private void solve(Tensor pm, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h) {
        DifferentiableQp.solve(wrap(pm), wrap(q), wrap(a), wrap(b), wrap(g), wrap(h), QpOptions.defaults());
    }

    private static Var wrap(Tensor t) {
        return t == null ? null : Var.param(t);
    }

    private static Tensor withEntry(Tensor t, int flat, double value) {
        double[] v = t.toArray();
        v[flat] = value;
        return Tensor.wrap(v, t.shape());
    }

    @Test
    void nonFiniteEntriesNameTheParameterAndInstance() {
        rejected("q of instance 2", () -> solve(d.pm(), withEntry(d.q(), 2 * 4 + 1, Double.NaN), d.a(), d.b(),
                d.g(), d.h()));
        rejected("G of instance 1", () -> solve(d.pm(), d.q(), d.a(), d.b(),
                withEntry(d.g(), 1 * 8 + 3, Double.POSITIVE_INFINITY), d.h()));
        rejected("P (shared by all instances)", () -> solve(withEntry(Tensor.eye(4), 5, Double.NaN), d.q(), d.a(),
                d.b(), d.g(), d.h()));
    }

    @Test
    void mismatchedShapesNameTheParameter() {
        rejected("P must be square", () -> solve(Tensor.zeros(4, 3), d.q(), d.a(), d.b(), d.g(), d.h()));
        rejected("P must be square", () -> solve(Tensor.zeros(3, 4, 5), d.q(), d.a(), d.b(), d.g(), d.h()));
        rejected("G must have shape", () -> solve(d.pm(), d.q(), d.a(), d.b(), Tensor.zeros(3, 2, 5), d.h()));
        rejected("h must have shape", () -> solve(d.pm(), d.q(), d.a(), d.b(), d.g(), Tensor.zeros(3, 3)));
        rejected("q must have shape", () -> solve(d.pm(), Tensor.zeros(3, 5), d.a(), d.b(), d.g(), d.h()));
        rejected("b has batch size 2 but", () -> solve(d.pm(), d.q(), d.a(), Tensor.zeros(2, 1), d.g(), d.h()));
        rejected("A is given without b", () -> solve(d.pm(), d.q(), d.a(), null, d.g(), d.h()));
        rejected("P and q are required", () -> solve(d.pm(), null, d.a(), d.b(), d.g(), d.h()));
    }

    @Test
    void indefiniteMatrixIsRejected() {
        Tensor indefinite = Tensor.matrix(new double[][] {{1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
        rejected("P (shared by all instances) is not positive semidefinite",
                () -> solve(indefinite, d.q(), d.a(), d.b(), d.g(), d.h()));
        double[] pm = d.pm().toArray();
        pm[2 * 16] = -5;
        rejected("P of instance 2 is not positive semidefinite",
                () -> solve(Tensor.wrap(pm, 3, 4, 4), d.q(), d.a(), d.b(), d.g(), d.h()));
    }

    @Test
    void missingOptionsAreRejected() {
        rejected("options", () -> DifferentiableQp.solve(Var.param(d.pm()), Var.param(d.q()), null, null, null,
                null, null));
    }
}
