package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.operator.Convolution2d;
import io.foldopt.operator.FiniteDifference2d;
import io.foldopt.operator.LinearOperator;
import io.foldopt.operator.Operators;
import io.foldopt.prox.ProximalOperator;
import io.foldopt.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused PDHG step ({@link FusedStep}): its value and its VJPs to the state, the data, learned filters and the
 * TV weights against the step recorded operation by operation, and against central finite differences; the proxes
 * without slopes keep the recorded step.
 */
class FusedStepTest {
    private static final int H = 4;
    private static final int W = 5;
    private static final int B = 2;
    private static final FiniteDifference2d D = new FiniteDifference2d(H, W);

    /** PDHG on {@code [D; conv_theta]} with block weights {@code lambda}, primal weight 0.7. */
    private static PrimalDualHybridGradient tv(Var filters, Var lambda) {
        LinearOperator k = Operators.stack(D, new Convolution2d(H, W, filters, Convolution2d.Padding.VALID));
        return new PrimalDualHybridGradient(k, PrimalTerm.squaredDistance(),
                PrimalDualHybridGradient.weightedL1Conjugate(lambda, D.pixels(), D.pixels(), k.rows() - D.rows()),
                Math.sqrt(8) + 2, 0.7);
    }

    /** A state whose dual part straddles the clip bounds, so that both pieces of the clip are exercised. */
    private static Tensor state(int dim, long seed) {
        return randn(seed, B, dim).map(v -> 0.3 * v);
    }

    @Test
    void fusedStepEqualsTheRecordedStepInValueAndInEveryVjp() {
        Var filters = Var.param(randn(51, 2, 2, 2));
        Var lambda = Var.param(Tensor.vector(0.2, 0.1, 0.15));
        PrimalDualHybridGradient alg = tv(filters, lambda);
        Var s = Var.param(state(alg.stateDim(), 52));
        Var d = Var.param(randn(53, B, H * W));
        Var fused = GradMode.withGrad(() -> alg.updateMap().apply(s, new Var[] {d}));
        Var recorded = GradMode.withGrad(() -> alg.recordedUpdateMap().apply(s, new Var[] {d}));
        assertEquals(1, Autodiff.plan(new Var[] {fused}, new Var[] {s}).size(), "one recorded operation");
        assertTrue(Autodiff.plan(new Var[] {recorded}, new Var[] {s}).size() > 5);
        assertTrue(relErr(fused.value(), recorded.value()) < 1e-15, "values differ");
        Var[] inputs = {s, d, filters, lambda};
        for (long seed = 54; seed < 57; seed++) {
            Tensor g = randn(seed, B, alg.stateDim());
            Tensor[] a = Autodiff.vjp(new Var[] {fused}, inputs, new Tensor[] {g});
            Tensor[] b = Autodiff.vjp(new Var[] {recorded}, inputs, new Tensor[] {g});
            for (int i = 0; i < inputs.length; i++) {
                assertTrue(relErr(a[i], b[i]) < 1e-13, "input " + i + ": " + relErr(a[i], b[i]));
            }
        }
    }

    @Test
    void fusedVjpsMatchCentralFiniteDifferences() {
        int dim = tv(Var.constant(randn(51, 2, 2, 2)), Var.constant(Tensor.vector(0.2, 0.1, 0.15))).stateDim();
        Function<Var[], Var> step = p -> {
            PrimalDualHybridGradient alg = tv(p[2], p[3]);
            return alg.updateMap().apply(p[0], new Var[] {p[1]});
        };
        GradientCheck.Result r = GradientCheck.check(step, new Tensor[] {state(dim, 58), randn(59, B, H * W),
            randn(60, 2, 2, 2), Tensor.vector(0.2, 0.1, 0.15)}, 6, 1e-6, 61);
        assertTrue(r.passes(1e-7), "worst relative error " + r.worstRelativeError());
    }

    @Test
    void everyElementwiseDualProxGivesTheRecordedVjp() {
        Var w = Var.param(Tensor.vector(0.3));
        for (ProximalOperator gStar : new ProximalOperator[] {ProximalOperator.l1(w), ProximalOperator.nonnegativeL1(w),
            ProximalOperator.squaredL2(w), ProximalOperator.box(w.neg(), w.mul(2))}) {
            PrimalDualHybridGradient alg = new PrimalDualHybridGradient(D, PrimalTerm.squaredDistance(), gStar,
                    Math.sqrt(8));
            Var s = Var.param(state(alg.stateDim(), 62));
            Var d = Var.param(randn(63, B, H * W));
            Var fused = GradMode.withGrad(() -> alg.updateMap().apply(s, new Var[] {d}));
            Var recorded = GradMode.withGrad(() -> alg.recordedUpdateMap().apply(s, new Var[] {d}));
            assertEquals(1, Autodiff.plan(new Var[] {fused}, new Var[] {s}).size());
            Tensor g = randn(64, B, alg.stateDim());
            Tensor[] a = Autodiff.vjp(new Var[] {fused}, new Var[] {s, d, w}, new Tensor[] {g});
            Tensor[] b = Autodiff.vjp(new Var[] {recorded}, new Var[] {s, d, w}, new Tensor[] {g});
            for (int i = 0; i < a.length; i++) {
                assertTrue(relErr(a[i], b[i]) < 1e-13, gStar + " input " + i + ": " + relErr(a[i], b[i]));
            }
        }
    }

    @Test
    void aProxWithoutSlopesKeepsTheRecordedStep() {
        ProximalOperator box = ProximalOperator.box(Var.scalar(-0.1), Var.scalar(0.1));
        ProximalOperator opaque = new ProximalOperator() {
            @Override
            public Var apply(Var v, double step) {
                return box.apply(v, step);
            }

            @Override
            public void applyInPlace(double[] v, double step) {
                box.applyInPlace(v, step);
            }
        };
        PrimalDualHybridGradient alg = new PrimalDualHybridGradient(D, PrimalTerm.squaredDistance(), opaque,
                Math.sqrt(8));
        Var s = Var.param(state(alg.stateDim(), 65));
        Var out = GradMode.withGrad(() -> alg.updateMap().apply(s, new Var[] {Var.constant(randn(66, B, H * W))}));
        assertTrue(Autodiff.plan(new Var[] {out}, new Var[] {s}).size() > 5, "recorded operation by operation");
    }

    @Test
    void aStateOfTheWrongShapeIsNamed() {
        PrimalDualHybridGradient alg = new PrimalDualHybridGradient(D, PrimalTerm.squaredDistance(),
                ProximalOperator.box(Var.scalar(-0.1), Var.scalar(0.1)), Math.sqrt(8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> alg.updateMap().apply(
                Var.param(Tensor.zeros(B, alg.stateDim() + 1)), new Var[] {Var.constant(randn(67, B, H * W))}));
        assertEquals("PDHG: the state must have shape (B, " + alg.stateDim() + "), got [2, " + (alg.stateDim() + 1)
                + "]", e.getMessage());
    }
}
