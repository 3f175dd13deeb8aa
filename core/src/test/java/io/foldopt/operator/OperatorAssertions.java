package io.foldopt.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.check.AdjointCheck;
import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Assertions shared by the operator tests: VJPs by finite differences, adjointness, agreement with a dense matrix. */
public final class OperatorAssertions {
    private static final double STEP = 1e-6;
    private static final double TOLERANCE = 1e-6;
    private static final int BATCH = 2;

    private OperatorAssertions() {}

    /**
     * Checks, against central finite differences in random directions, the VJPs of {@code K_p x} and
     * {@code K_p^T y} with respect to the operand and the parameters, and the second-order VJPs of
     * {@code grad_p <y, K_p x>} and {@code grad_x <y, K_p x>}; then adjointness to 1e-12.
     *
     * @param operator the operator with parameters {@code p} (ignored by an operator without parameters)
     * @param params the parameter values, or null for an operator without parameters
     */
    public static void assertOperator(String name, Function<Var, LinearOperator> operator, Tensor params) {
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        LinearOperator k0 = operator.apply(params == null ? null : Var.constant(params));
        Tensor x = Tensor.randn(rng, BATCH, k0.cols());
        Tensor y = Tensor.randn(rng, BATCH, k0.rows());
        boolean hasParams = params != null;
        Tensor[] applyAt = hasParams ? new Tensor[] {x, params} : new Tensor[] {x};
        Tensor[] adjointAt = hasParams ? new Tensor[] {y, params} : new Tensor[] {y};
        assertPasses(name + " apply", GradientCheck.check(v -> operator.apply(hasParams ? v[1] : null).apply(v[0]),
                applyAt, 3, STEP, rng.nextLong()));
        assertPasses(name + " adjoint", GradientCheck.check(
                v -> operator.apply(hasParams ? v[1] : null).adjoint(v[0]), adjointAt, 3, STEP, rng.nextLong()));
        // Second order: the recorded gradients of <y, K_p x> are differentiated again in x, y and p.
        Tensor[] all = hasParams ? new Tensor[] {x, y, params} : new Tensor[] {x, y};
        for (int wrt = 0; wrt < all.length; wrt += 2) {
            int target = wrt;
            Function<Var[], Var> grad = v -> Autodiff.gradGraph(
                    v[1].mul(operator.apply(hasParams ? v[2] : null).apply(v[0])).sum(), v[target]);
            assertPasses(name + " second order w.r.t. input " + target, GradientCheck.check(grad,
                    t -> GradMode.withGrad(() -> grad.apply(params(t))).value(), all, 2, STEP, rng.nextLong()));
        }
        assertAdjoint(name, k0);
    }

    /** Asserts {@code <K x, y> = <x, K^T y>} to 1e-12 relative on random data. */
    public static void assertAdjoint(String name, LinearOperator k) {
        double gap = AdjointCheck.relativeGap(k, name.hashCode());
        assertTrue(gap <= 1e-12, () -> name + ": adjoint gap " + gap);
    }

    /** Asserts that {@code K} and {@code K^T} act on a random batch as the dense matrix {@code a (m, n)}. */
    public static void assertMatches(String name, LinearOperator k, Tensor a) {
        SplittableRandom rng = new SplittableRandom(name.hashCode() + 1);
        assertEquals(a.dim(0), k.rows(), name + " rows");
        assertEquals(a.dim(1), k.cols(), name + " cols");
        Var x = Var.constant(Tensor.randn(rng, 3, k.cols()));
        Var y = Var.constant(Tensor.randn(rng, 3, k.rows()));
        Var dense = Var.constant(a);
        assertClose(name + " apply", x.matmul(dense.transpose()).value(), k.apply(x).value());
        assertClose(name + " adjoint", y.matmul(dense).value(), k.adjoint(y).value());
        assertClose(name + " raw apply", x.matmul(dense.transpose()).value(),
                Tensor.wrap(k.apply(x.value().data(), 3), 3, k.rows()));
        assertClose(name + " raw adjoint", y.matmul(dense).value(),
                Tensor.wrap(k.adjoint(y.value().data(), 3), 3, k.cols()));
        // Into arrays holding earlier values: the products overwrite them.
        double[] into = new double[3 * k.rows()];
        Arrays.fill(into, Double.NaN);
        k.apply(x.value().data(), 3, into);
        assertClose(name + " apply into", x.matmul(dense.transpose()).value(), Tensor.wrap(into, 3, k.rows()));
        into = new double[3 * k.cols()];
        Arrays.fill(into, 7.5);
        k.adjoint(y.value().data(), 3, into);
        assertClose(name + " adjoint into", y.matmul(dense).value(), Tensor.wrap(into, 3, k.cols()));
    }

    /** Asserts equal shapes and entries equal to 1e-12 relative to the largest entry. */
    public static void assertClose(String name, Tensor expected, Tensor actual) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), name + " shape");
        double tol = 1e-12 * Math.max(1, expected.maxAbs());
        for (int i = 0; i < expected.size(); i++) {
            int at = i;
            assertEquals(expected.data()[i], actual.data()[i], tol, () -> name + " entry " + at);
        }
    }

    private static Var[] params(Tensor[] t) {
        Var[] v = new Var[t.length];
        for (int i = 0; i < t.length; i++) {
            v[i] = Var.param(t[i]);
        }
        return v;
    }

    private static void assertPasses(String what, GradientCheck.Result r) {
        assertTrue(r.passes(TOLERANCE), () -> what + ": relative error " + r.worstRelativeError() + ", analytic "
                + Arrays.toString(r.analytic()) + ", numeric " + Arrays.toString(r.numeric()));
    }
}
