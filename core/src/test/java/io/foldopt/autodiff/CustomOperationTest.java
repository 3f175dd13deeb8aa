package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertClose;
import static io.foldopt.autodiff.FdCheck.assertHessianVjp;
import static io.foldopt.autodiff.FdCheck.assertVjp;
import static io.foldopt.autodiff.FdCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.check.GradientCheck;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Custom operations recorded with {@link Operation}: several outputs, one rule call per backward pass with
 * the cotangents of all outputs, first-order rules that refuse a second differentiation.
 */
class CustomOperationTest {
    private static final int B = 3;
    private static final int N = 4;
    private final SplittableRandom rng = new SplittableRandom(7);

    /**
     * {@code (u, s) = (x * w, sum_j x_j^2)} per row: two outputs of one operation. The rule
     * {@code dx = g_u w + 2 x g_s}, {@code dw = g_u x} is written with operations (differentiable again),
     * or, if {@code firstOrder}, computed on constants and recorded as a {@link FirstOrderRule}.
     */
    private static Var[] productAndSquares(Var x, Var w, AtomicInteger calls, boolean firstOrder) {
        Tensor u = GradMode.noGrad(() -> x.mul(w)).value();
        Tensor s = GradMode.noGrad(() -> x.mul(x).sum(-1)).value();
        Var[] inputs = {x, w};
        if (firstOrder) {
            return Operation.recordFirstOrder("product and squares", new Tensor[] {u, s}, inputs, (g, needs) -> {
                calls.incrementAndGet();
                Var[] r = rule(Var.constant(x.value()), Var.constant(w.value()), Var.constant(g[0]),
                        Var.constant(g[1]), needs);
                return new Tensor[] {r[0] == null ? null : r[0].value(), r[1] == null ? null : r[1].value()};
            });
        }
        return Operation.record("product and squares", new Tensor[] {u, s}, inputs, (g, needs) -> {
            calls.incrementAndGet();
            return rule(x, w, g[0], g[1], needs);
        });
    }

    private static Var[] rule(Var x, Var w, Var gu, Var gs, boolean[] needs) {
        Var gx = needs[0] ? gu.mul(w).add(gs.reshape(gs.dim(0), 1).mul(x).mul(2.0)) : null;
        Var gw = needs[1] ? gu.mul(x) : null;
        return new Var[] {gx, gw};
    }

    /** A loss that mixes both outputs: {@code sum sin(u) s + sum s^2 / 10}. */
    private static Var mixedLoss(Var[] us) {
        Var s = us[1];
        return us[0].sin().mul(s.reshape(s.dim(0), 1)).sum().add(s.mul(s).sum().mul(0.1));
    }

    @Test
    void multiOutputOperationMatchesFiniteDifferences() {
        Tensor x = randn(rng, B, N);
        Tensor w = randn(rng, B, N);
        for (boolean firstOrder : new boolean[] {false, true}) {
            AtomicInteger calls = new AtomicInteger();
            GradientCheck.Result r = GradientCheck.check(v -> mixedLoss(productAndSquares(v[0], v[1], calls,
                    firstOrder)), new Tensor[] {x, w}, 4, 1e-6, 11);
            assertTrue(r.passes(1e-7), "first order " + firstOrder + ": worst relative error "
                    + r.worstRelativeError());
            assertEquals(4, calls.get(), "one rule call per backward pass (one pass per direction)");
            assertVjp("product output, first order " + firstOrder,
                    v -> productAndSquares(v[0], v[1], new AtomicInteger(), firstOrder)[0], x, w);
            assertVjp("squares output, first order " + firstOrder,
                    v -> productAndSquares(v[0], v[1], new AtomicInteger(), firstOrder)[1], x, w);
        }
    }

    @Test
    void ruleIsCalledOncePerPassWithAllCotangents() {
        Var x = Var.param(randn(rng, B, N));
        Var w = Var.param(randn(rng, B, N));
        AtomicInteger calls = new AtomicInteger();
        Var loss = mixedLoss(productAndSquares(x, w, calls, false));
        Autodiff.grad(loss, x, w);
        assertEquals(1, calls.get());
        VjpPlan plan = Autodiff.plan(new Var[] {loss}, new Var[] {x});
        for (int k = 0; k < 5; k++) {
            plan.apply(Tensor.scalar(1.0));
        }
        assertEquals(6, calls.get());
    }

    @Test
    void anOutputTheLossDoesNotUseGetsAZeroCotangent() {
        Tensor xv = randn(rng, B, N);
        Tensor wv = randn(rng, B, N);
        Var x = Var.param(xv);
        Var w = Var.param(wv);
        AtomicInteger calls = new AtomicInteger();
        Var[] us = productAndSquares(x, w, calls, true);
        Tensor[] g = Autodiff.grad(us[0].sum(), x, w);
        assertClose(wv, g[0], 0.0);
        assertClose(xv, g[1], 0.0);
        assertEquals(1, calls.get());
    }

    @Test
    void gradientsComeInTheParametersOrderWithZerosForUnusedOnes() {
        Tensor xv = randn(rng, B, N);
        Var x = Var.param(xv);
        Var unused = Var.param(randn(rng, 2));
        Var w = Var.param(randn(rng, B, N));
        Tensor[] g = Autodiff.grad(x.mul(w).sum(), w, unused, x);
        assertClose(xv, g[0], 0.0);
        assertClose(Tensor.zeros(2), g[1], 0.0);
        assertClose(w.value(), g[2], 0.0);
        assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(x, x, w));
    }

    @Test
    void partialPlanStopsAtAnOutputThatIsAnInput() {
        Tensor xv = randn(rng, B, N);
        Tensor wv = randn(rng, B, N);
        Var x = Var.param(xv);
        Var[] us = productAndSquares(x, Var.constant(wv), new AtomicInteger(), false);
        Var y = us[0].sum().add(us[1].sum());
        Var[] inputs = {us[1], x};
        Tensor[] partial = Autodiff.partialPlan(new Var[] {y}, inputs).apply(Tensor.scalar(1.0));
        Tensor[] total = Autodiff.plan(new Var[] {y}, inputs).apply(Tensor.scalar(1.0));
        assertClose(Tensor.full(1.0, B), partial[0], 0.0);
        assertClose(wv, partial[1], 0.0);
        assertClose(GradMode.noGrad(() -> Var.constant(wv).add(Var.constant(xv).mul(2.0))).value(), total[1], 1e-15);
    }

    @Test
    void secondOrderThroughAVarRuleMatchesFiniteDifferencesOfTheGradient() {
        Tensor x = randn(rng, B, N);
        Tensor w = randn(rng, B, N);
        assertHessianVjp("multi-output custom operation",
                (u, c) -> mixedLoss(productAndSquares(u, c, new AtomicInteger(), false)), x, w);
    }

    @Test
    void secondOrderThroughAFirstOrderRuleThrows() {
        Tensor xv = randn(rng, B, N);
        Var x = Var.param(xv);
        Var w = Var.param(randn(rng, B, N));
        Var loss = mixedLoss(productAndSquares(x, w, new AtomicInteger(), true));
        // The recorded gradient still has the right value ...
        Var g = Autodiff.gradGraph(loss, x);
        assertClose(Autodiff.grad(loss, x)[0], g.value(), 0.0);
        assertTrue(g.requiresGrad());
        // ... but differentiating it again fails, whatever the entry point.
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.grad(g.sum(), x));
        assertTrue(e.getMessage().contains("'product and squares'") && e.getMessage().contains("first order"),
                e.getMessage());
        Var[] hv = Autodiff.vjp(new Var[] {loss}, new Var[] {x}, new Var[] {Var.scalar(1.0)}, true);
        assertThrows(UnsupportedOperationException.class,
                () -> Autodiff.vjp(hv, new Var[] {w}, new Var[] {Var.constant(randn(rng, B, N))}, true));
        // A first-order pass records nothing.
        Var[] plain = Autodiff.vjp(new Var[] {loss}, new Var[] {x}, new Var[] {Var.scalar(1.0)}, false);
        assertFalse(plain[0].requiresGrad());
    }

    @Test
    void aRuleThatBreaksItsContractIsNamed() {
        Var x = Var.param(randn(rng, B, N));
        Var wrongShape = Operation.record("bad shape", new Tensor[] {x.value()}, new Var[] {x},
                (g, needs) -> new Var[] {g[0].sum()})[0];
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Autodiff.grad(wrongShape.sum(), x));
        assertTrue(e.getMessage().contains("'bad shape'") && e.getMessage().contains("shape"), e.getMessage());
        Var missing = Operation.recordFirstOrder("missing", new Tensor[] {x.value()}, new Var[] {x},
                (g, needs) -> new Tensor[1])[0];
        e = assertThrows(IllegalStateException.class, () -> Autodiff.grad(missing.sum(), x));
        assertTrue(e.getMessage().contains("'missing'") && e.getMessage().contains("no gradient"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Operation.record("no outputs", new Tensor[0], new Var[] {x}, (g, needs) -> needs.length > 0
                        ? new Var[1] : null));
    }

    @Test
    void nothingIsRecordedWithoutAParameterOrUnderNoGrad() {
        AtomicInteger calls = new AtomicInteger();
        Var[] constants = productAndSquares(Var.constant(randn(rng, B, N)), Var.constant(randn(rng, B, N)), calls,
                false);
        assertFalse(constants[0].requiresGrad() || constants[1].requiresGrad());
        Var[] off = GradMode.noGrad(() -> productAndSquares(Var.param(randn(rng, B, N)),
                Var.param(randn(rng, B, N)), calls, true));
        assertFalse(off[0].requiresGrad() || off[1].requiresGrad());
    }

    // The example of docs/api.md, "Custom operations".

    /** {@code (sin x, cos x)} as one operation with two outputs and one VJP rule. */
    static Var[] sinCos(Var x) {
        Tensor[] values = {x.value().map(Math::sin), x.value().map(Math::cos)};
        return Operation.record("sincos", values, new Var[] {x},
                (g, needsGrad) -> new Var[] {g[0].mul(x.cos()).sub(g[1].mul(x.sin()))});
    }

    @Test
    void documentedExample() {
        Var x = Var.param(Tensor.vector(0.1, 0.2, 0.3));
        Var[] sc = sinCos(x);
        Tensor[] grads = Autodiff.grad(sc[0].mul(sc[1]).sum(), x); // d/dx sin x cos x = cos 2x
        assertClose(Tensor.vector(Math.cos(0.2), Math.cos(0.4), Math.cos(0.6)), grads[0], 1e-15);
        assertHessianVjp("sincos", (u, c) -> sinCos(u)[0].mul(sinCos(u)[1]).mul(c).sum(),
                Tensor.vector(0.1, 0.2, 0.3), Tensor.vector(1.0, -2.0, 0.5));
    }
}
