package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertClose;
import static io.foldopt.autodiff.FdCheck.assertHessianVjp;
import static io.foldopt.autodiff.FdCheck.assertVjp;
import static io.foldopt.autodiff.FdCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Kernels.BinaryOp;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Recording switches, constants, and operations with hand-written VJP rules. */
class GradModeTest {
    private final SplittableRandom rng = new SplittableRandom(77);

    @Test
    void noGradRecordsNothing() {
        Var x = Var.param(randn(rng, 3, 2));
        Var y = GradMode.noGrad(() -> x.sin().mul(x).matmul(Var.param(randn(rng, 2, 2))).sum());
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        assertEquals(0, y.operands().length);
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void withGradInsideNoGradRecordsAndModesAreRestored() {
        Var x = Var.param(randn(rng, 3));
        Var y = GradMode.noGrad(() -> {
            Var inner = GradMode.withGrad(() -> x.exp());
            assertFalse(GradMode.isEnabled());
            return inner;
        });
        assertTrue(y.requiresGrad());
        assertClose(x.exp().value(), Autodiff.grad(y.sum(), x)[0], 1e-15);
    }

    @Test
    void modeIsRestoredWhenTheBodyThrows() {
        assertThrows(IllegalStateException.class, () -> GradMode.noGrad(() -> {
            throw new IllegalStateException("boom");
        }));
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void modeIsPerThread() throws Exception {
        boolean otherThread = GradMode.noGrad(() -> CompletableFuture.supplyAsync(GradMode::isEnabled).join());
        assertTrue(otherThread);
    }

    @Test
    void constantsNeverRecord() {
        Var a = Var.constant(randn(rng, 3));
        Var b = Var.scalar(2.0);
        Var y = GradMode.withGrad(() -> a.mul(b).sin().add(a).sum());
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        Var x = Var.param(randn(rng, 3));
        assertTrue(a.mul(x).requiresGrad());
        assertFalse(a.mul(x).isLeaf());
        assertFalse(x.detach().requiresGrad());
    }

    @Test
    void gradGraphRefusesGradientsThatWereNeverRecorded() {
        Var c = Var.constant(randn(rng, 3));
        assertThrows(IllegalStateException.class, () -> Autodiff.gradGraph(c.sin().sum(), c));
        Var x = Var.param(randn(rng, 3));
        assertThrows(IllegalStateException.class, () -> GradMode.noGrad(() -> Autodiff.gradGraph(x.sin().sum(), x)));
        Var other = Var.param(randn(rng, 3));
        assertEquals(0.0, Autodiff.gradGraph(other.sin().sum(), x).value().maxAbs());
        Var recorded = x.sin().sum();
        Var g = GradMode.noGrad(() -> Autodiff.gradGraph(recorded, x));
        assertTrue(g.requiresGrad());
        assertClose(x.cos().value(), g.value(), 0.0);
    }

    /** {@code x^3} with a hand-written rule {@code 3 x^2 g}, itself written with operations. */
    private static Var cube(Var x) {
        Tensor v = x.value().map(t -> t * t * t);
        return Var.op(v, new Var[] {x}, (i, g) -> g.mul(x.mul(x)).mul(3.0));
    }

    /** {@code a * b} (same shapes) with a rule computed on raw tensors: first order only. */
    private static Var product(Var a, Var b) {
        Tensor v = Kernels.binary(a.value(), b.value(), BinaryOp.MUL);
        return Operation.recordFirstOrder("product", new Tensor[] {v}, new Var[] {a, b},
                (g, needsGrad) -> new Tensor[] {Kernels.binary(g[0], b.value(), BinaryOp.MUL),
                    Kernels.binary(g[0], a.value(), BinaryOp.MUL)})[0];
    }

    @Test
    void customOperationsAreDifferentiated() {
        Tensor x = randn(rng, 3, 4);
        assertVjp("custom cube", v -> cube(v[0]), x);
        assertVjp("custom cube in a composition", v -> cube(v[0].sin()).mul(v[0]), x);
        assertHessianVjp("custom cube second order", (u, c) -> cube(u).mul(c).sum(), x, randn(rng, 3, 4));
        assertVjp("custom product", v -> product(v[0], v[1]).exp(), x, randn(rng, 3, 4));
        assertTrue(cube(Var.param(x)).requiresGrad());
        assertFalse(cube(Var.constant(x)).requiresGrad());
        assertFalse(GradMode.noGrad(() -> cube(Var.param(x))).requiresGrad());
    }
}
