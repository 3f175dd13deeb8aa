package io.foldopt.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The gradient checker accepts correct VJPs and catches wrong ones. */
class GradientCheckTest {
    private final Tensor[] point = {Tensor.randn(new SplittableRandom(8), 3, 4)};

    /** {@code sin(x)} with the VJP rule scaled by {@code factor} (1 is correct). */
    private static Var sinWithRuleScaledBy(Var x, double factor) {
        return Var.op(x.value().map(Math::sin), new Var[] {x}, (i, g) -> g.mul(x.cos()).mul(factor));
    }

    @Test
    void correctVjpPasses() {
        GradientCheck.Result r = GradientCheck.check(v -> sinWithRuleScaledBy(v[0], 1.0), point, 5, 1e-6, 1);
        assertTrue(r.passes(1e-8), "error " + r.worstRelativeError());
        assertEquals(5, r.analytic().length);
        assertEquals(5, r.numeric().length);
    }

    @Test
    void slightlyWrongVjpFails() {
        GradientCheck.Result r = GradientCheck.check(v -> sinWithRuleScaledBy(v[0], 1.0001), point, 3, 1e-6, 1);
        assertFalse(r.passes(1e-6), "error " + r.worstRelativeError());
        assertEquals(1e-4, r.worstRelativeError(), 1e-5);
    }

    @Test
    void wronglyShapedVjpIsReported() {
        Function<Var[], Var> f = v -> Var.op(v[0].value(), new Var[] {v[0]},
                (i, g) -> Var.constant(Tensor.zeros(4, 3)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GradientCheck.check(f, point, 1, 1e-6, 1));
        assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[3, 4]"), e.getMessage());
    }

    @Test
    void customEvaluatorChecksFunctionsThatDifferentiateTheirInputs() {
        Function<Var[], Var> gradient = v -> Autodiff.gradGraph(v[0].sin().mul(v[1]).sum(), v[0]);
        Function<Tensor[], Tensor> evaluate = t -> GradMode.withGrad(
                () -> gradient.apply(new Var[] {Var.param(t[0]), Var.param(t[1])})).value();
        Tensor[] at = {point[0], point[0].map(Math::cos)};
        GradientCheck.Result r = GradientCheck.check(gradient, evaluate, at, 4, 1e-6, 2);
        assertTrue(r.passes(1e-7), "error " + r.worstRelativeError());
    }
}
