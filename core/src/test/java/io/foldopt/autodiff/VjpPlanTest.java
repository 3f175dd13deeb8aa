package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.assertClose;
import static io.foldopt.autodiff.FdCheck.assertVjp;
import static io.foldopt.autodiff.FdCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Compiled reverse passes: reuse, interior inputs, total derivatives, and argument checking. */
class VjpPlanTest {
    private final SplittableRandom rng = new SplittableRandom(101);

    /** {@code y1 = sin(x1 W) * x2}, {@code y2 = sum_j exp(x2)}, a two-output graph of two inputs. */
    private static Var[] twoOutputs(Var x1, Var x2, Var w) {
        Var y1 = x1.matmul(w).sin().mul(x2);
        Var y2 = x2.exp().sum(-1);
        return new Var[] {y1, y2};
    }

    @Test
    void planReusedManyTimesMatchesFreshVjps() {
        Var x1 = Var.param(randn(rng, 3, 4));
        Var x2 = Var.param(randn(rng, 3, 2));
        Var w = Var.constant(randn(rng, 4, 2));
        Var[] y = twoOutputs(x1, x2, w);
        Var[] inputs = {x1, x2};
        VjpPlan plan = Autodiff.plan(y, inputs);
        for (int k = 0; k < 100; k++) {
            Tensor[] cot = {randn(rng, 3, 2), randn(rng, 3)};
            Tensor[] fromPlan = plan.apply(cot);
            Tensor[] fresh = Autodiff.vjp(y, inputs, cot);
            for (int i = 0; i < inputs.length; i++) {
                assertArrayEquals(fresh[i].data(), fromPlan[i].data(), 0.0);
                assertArrayEquals(inputs[i].shape(), fromPlan[i].shape());
            }
        }
    }

    @Test
    void planAppliedConcurrentlyGivesTheSequentialResults() throws Exception {
        Var x1 = Var.param(randn(rng, 3, 4));
        Var x2 = Var.param(randn(rng, 3, 2));
        Var[] y = twoOutputs(x1, x2, Var.constant(randn(rng, 4, 2)));
        VjpPlan plan = Autodiff.plan(y, new Var[] {x1, x2});
        List<Tensor[]> cots = new ArrayList<>();
        List<Tensor[]> expected = new ArrayList<>();
        for (int k = 0; k < 64; k++) {
            Tensor[] cot = {randn(rng, 3, 2), randn(rng, 3)};
            cots.add(cot);
            expected.add(plan.apply(cot));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Tensor[]>> results = new ArrayList<>();
            for (Tensor[] cot : cots) {
                results.add(pool.submit(() -> plan.apply(cot)));
            }
            for (int k = 0; k < cots.size(); k++) {
                Tensor[] got = results.get(k).get();
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(expected.get(k)[i].data(), got[i].data(), 0.0);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void planKeepsOnlyNodesBetweenInputsAndOutputs() {
        Var x = Var.param(randn(rng, 3));
        Var other = Var.param(randn(rng, 3));
        Var y = x.sin().add(other.exp().cos());
        // sin(x) and the sum; the branch of `other` is not visited.
        assertEquals(2, Autodiff.plan(new Var[] {y}, new Var[] {x}).size());
    }

    @Test
    void vjpWithRespectToInteriorNodes() {
        Tensor x0 = randn(rng, 3, 4);
        Var x = Var.param(x0);
        Var h = x.sin();
        Var y = h.mul(h).exp().sum(-1);
        Tensor w = randn(rng, 3);
        Tensor atInterior = Autodiff.vjp(new Var[] {y}, new Var[] {h}, new Tensor[] {w})[0];
        Var h2 = Var.param(h.value());
        Tensor direct = Autodiff.vjp(new Var[] {h2.mul(h2).exp().sum(-1)}, new Var[] {h2}, new Tensor[] {w})[0];
        assertClose(direct, atInterior, 1e-14);
        assertVjp("interior h -> y", v -> v[0].mul(v[0]).exp().sum(-1), h.value());
    }

    @Test
    void totalDerivativeWhenOneInputDependsOnAnother() {
        Var x = Var.param(randn(rng, 5));
        Var z = x.sin();
        Var y = z.mul(x);
        Tensor w = randn(rng, 5);
        Tensor[] g = Autodiff.vjp(new Var[] {y}, new Var[] {x, z}, new Tensor[] {w});
        Var wv = Var.constant(w);
        // dy/dx in total = sin(x) + x cos(x); dy/dz = x.
        assertClose(wv.mul(x.sin().add(x.mul(x.cos()))).value(), g[0], 1e-14);
        assertClose(wv.mul(x).value(), g[1], 1e-14);
        Tensor[] reversed = Autodiff.vjp(new Var[] {y}, new Var[] {z, x}, new Tensor[] {w});
        assertClose(g[0], reversed[1], 0.0);
        assertClose(g[1], reversed[0], 0.0);
    }

    @Test
    void unreachableInputGetsZerosOfItsShape() {
        Var x = Var.param(randn(rng, 3, 2));
        Var unused = Var.param(randn(rng, 4, 5));
        Var later = Var.param(randn(rng, 7));
        Var y = x.tanh();
        Tensor[] g = Autodiff.vjp(new Var[] {y}, new Var[] {x, unused, later}, new Tensor[] {randn(rng, 3, 2)});
        assertArrayEquals(new int[] {4, 5}, g[1].shape());
        assertEquals(0.0, g[1].maxAbs());
        assertArrayEquals(new int[] {7}, g[2].shape());
        assertEquals(0.0, g[2].maxAbs());
        assertTrue(g[0].maxAbs() > 0);
    }

    @Test
    void cotangentOfTheWrongShapeThrows() {
        Var x = Var.param(randn(rng, 3, 2));
        Var y = x.exp();
        VjpPlan plan = Autodiff.plan(new Var[] {y}, new Var[] {x});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plan.apply(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> plan.apply(Tensor.zeros(6)));
        assertThrows(IllegalArgumentException.class, () -> plan.apply(Tensor.zeros(3, 2), Tensor.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, plan::apply);
        assertThrows(IllegalArgumentException.class,
                () -> plan.apply(new Var[] {Var.constant(Tensor.zeros(3))}, true));
    }

    @Test
    void outputsListedTwiceAccumulate() {
        Var x = Var.param(randn(rng, 3, 2));
        Var y = x.sin().mul(x);
        Tensor w1 = randn(rng, 3, 2);
        Tensor w2 = randn(rng, 3, 2);
        Tensor twice = Autodiff.vjp(new Var[] {y, y}, new Var[] {x}, new Tensor[] {w1, w2})[0];
        Tensor summed = Autodiff.vjp(new Var[] {y}, new Var[] {x},
                new Tensor[] {Var.constant(w1).add(Var.constant(w2)).value()})[0];
        assertClose(summed, twice, 1e-15);
    }

    @Test
    void outputThatIsAnInputPassesItsCotangentThrough() {
        Var x = Var.param(randn(rng, 4));
        Tensor w = randn(rng, 4);
        assertArrayEquals(w.data(), Autodiff.vjp(new Var[] {x}, new Var[] {x}, new Tensor[] {w})[0].data());
        Var y = x.exp();
        Tensor[] g = Autodiff.vjp(new Var[] {y, x}, new Var[] {x}, new Tensor[] {w, w});
        assertClose(Var.constant(w).mul(x.exp().add(1.0)).value(), g[0], 1e-14);
    }

    @Test
    void firstOrderResultsAreNotRecorded() {
        Var x = Var.param(randn(rng, 4));
        Var y = x.sin();
        Var[] g = Autodiff.vjp(new Var[] {y}, new Var[] {x}, new Var[] {Var.constant(randn(rng, 4))}, false);
        assertFalse(g[0].requiresGrad());
        Var[] g2 = Autodiff.vjp(new Var[] {y}, new Var[] {x}, new Var[] {Var.constant(randn(rng, 4))}, true);
        assertTrue(g2[0].requiresGrad());
    }

    @Test
    void gradAndGradGraphNeedOneElementOutputs() {
        Var x = Var.param(randn(rng, 4));
        assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(x.sin(), x));
        assertThrows(IllegalArgumentException.class, () -> Autodiff.gradGraph(x.sin(), x));
    }
}
