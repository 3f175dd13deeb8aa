package io.foldopt.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The QP's solution {@code z} and multipliers {@code nu, lambda} are three outputs of one operation: a loss
 * that mixes them is differentiated through one KKT solve per instance, and a second differentiation throws.
 */
class QpSeparateOutputsTest {
    private static final RandomQp.Planted DATA = RandomQp.planted(31, 3, 6, 2, 5, 2, 0, false);

    /** {@code sum sin(z) + sum nu^2 / 2 + <w, lambda>} as a function of {@code q} and {@code h}. */
    private static Var mixedLoss(Var q, Var h, Tensor w) {
        Tensor[] d = DATA.params();
        QpOutput out = DifferentiableQp.solveWithMultipliers(Var.constant(d[0]), q, Var.constant(d[2]),
                Var.constant(d[3]), Var.constant(d[4]), h, QpOptions.defaults());
        return out.z().sin().sum().add(out.nu().mul(out.nu()).sum().mul(0.5)).add(out.lambda().mul(Var.constant(w))
                .sum());
    }

    @Test
    void lossMixingTheOutputsMatchesFiniteDifferences() {
        Tensor w = Tensor.randn(new SplittableRandom(32), 3, 5);
        Function<Var[], Var> f = v -> mixedLoss(v[0], v[1], w);
        GradientCheck.Result r = GradientCheck.check(f, new Tensor[] {DATA.q(), DATA.h()}, 4, 1e-6, 33);
        assertTrue(r.passes(1e-6), "worst relative error " + r.worstRelativeError());
    }

    @Test
    void outputsTheLossDoesNotUseContributeNothing() {
        Tensor w = Tensor.randn(new SplittableRandom(34), 3, 5);
        Var q = Var.param(DATA.q());
        Tensor[] d = DATA.params();
        QpOutput out = DifferentiableQp.solveWithMultipliers(Var.constant(d[0]), q, Var.constant(d[2]),
                Var.constant(d[3]), Var.constant(d[4]), Var.constant(d[5]), QpOptions.defaults());
        Tensor onlyLambda = Autodiff.grad(out.lambda().mul(Var.constant(w)).sum(), q)[0];
        Var zero = Var.constant(Tensor.zeros(3, 6));
        Tensor withUnusedZ = Autodiff.grad(out.lambda().mul(Var.constant(w)).sum().add(out.z().mul(zero).sum()), q)[0];
        assertArrayEquals(withUnusedZ.data(), onlyLambda.data(), 1e-15);
        assertTrue(onlyLambda.norm() > 1e-3, "lambda depends on q at active constraints");
    }

    @Test
    void secondOrderVjpThroughTheQpThrows() {
        Tensor w = Tensor.randn(new SplittableRandom(35), 3, 5);
        Var q = Var.param(DATA.q());
        Var h = Var.param(DATA.h());
        Var loss = mixedLoss(q, h, w);
        Var g = Autodiff.gradGraph(loss, q);
        assertArrayEquals(Autodiff.grad(loss, q)[0].data(), g.value().data(), 1e-12);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.grad(g.sum(), h));
        assertTrue(e.getMessage().contains("'QP'") && e.getMessage().contains("first order"), e.getMessage());
    }
}
