package io.foldopt.autodiff;

import static io.foldopt.autodiff.FdCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Fused first-order VJPs against the compiled reverse pass, and the graphs they decline. */
class FusedVjpPlanTest {
    private final SplittableRandom rng = new SplittableRandom(211);

    /** Asserts that the fused plan of {@code f} at {@code x} exists, runs {@code products} products and matches. */
    private void assertMatchesPlan(UnaryOperator<Var> f, Tensor x, int products) {
        Var leaf = Var.param(x);
        Var y = f.apply(leaf);
        FusedVjpPlan fused = Autodiff.fusedPlan(y, leaf).orElseThrow();
        VjpPlan plan = Autodiff.plan(new Var[] {y}, new Var[] {leaf});
        assertEquals(products, fused.products());
        double[] out = new double[x.size()];
        for (int k = 0; k < 4; k++) {
            Tensor g = randn(rng, y.shape());
            double[] expected = plan.apply(g)[0].data();
            fused.apply(g.data(), out);
            double scale = Tensor.wrap(expected.clone(), expected.length).maxAbs();
            for (int i = 0; i < out.length; i++) {
                assertEquals(expected[i], out[i], 1e-13 * scale, "entry " + i + " of application " + k);
            }
        }
    }

    @Test
    void projectedGradientStepFusesIntoOneProduct() {
        Tensor q = randn(rng, 7, 7);
        Var c = Var.param(randn(rng, 5, 7));
        Var qv = Var.constant(q);
        double step = 0.3;
        assertMatchesPlan(x -> x.sub(x.matmul(qv).add(c.mul(x.cos())).mul(step)).clamp(-0.5, 0.5),
                randn(rng, 5, 7), 1);
    }

    @Test
    void chainsOfProductsAndElementwiseFunctionsMatch() {
        Var w1 = Var.constant(randn(rng, 4, 6));
        Var w2 = Var.constant(randn(rng, 6, 4));
        Var weights = Var.constant(randn(rng, 4));
        assertMatchesPlan(x -> x.matmul(w1).tanh().matmul(w2).mul(x).add(x.exp().mul(2.0))
                .sub(x.mul(x).clamp(-0.5, 0.5)).mul(weights).sigmoid().max(x.neg()), randn(rng, 3, 4), 2);
    }

    @Test
    void aProductFeedingTwoBranchesIsComputedOnce() {
        Var w = Var.constant(randn(rng, 5, 5));
        assertMatchesPlan(x -> {
            Var h = x.matmul(w);
            return h.sin().add(h.mul(3.0)).matmul(w).sub(h);
        }, randn(rng, 2, 5), 2);
    }

    @Test
    void partsOfTheBatchMatchTheirRowsOfTheWholeApplication() {
        int batch = 5;
        int n = 6;
        Tensor q = randn(rng, n, n);
        Var c = Var.param(randn(rng, batch, n));
        Var leaf = Var.param(randn(rng, batch, n));
        Var y = leaf.sub(leaf.matmul(Var.constant(q)).add(c.mul(leaf.cos())).mul(0.3)).clamp(-0.5, 0.5).sin();
        FusedVjpPlan fused = Autodiff.fusedPlan(y, leaf).orElseThrow();
        assertEquals(batch, fused.instances());
        double[] g = randn(rng, batch, n).data();
        double[] whole = new double[batch * n];
        fused.apply(g, whole);
        for (int[] part : new int[][] {{0, 2}, {2, 5}, {4, 5}, {0, 5}, {2, 5}}) {
            int from = part[0];
            int to = part[1];
            double[] out = new double[(to - from) * n];
            fused.apply(java.util.Arrays.copyOfRange(g, from * n, to * n), out, from, to);
            // Rows are independent through the plan: the same arithmetic, bit for bit.
            assertArrayEquals(java.util.Arrays.copyOfRange(whole, from * n, to * n), out, 0.0,
                    "instances " + from + " to " + to);
        }
        assertThrows(IllegalArgumentException.class, () -> fused.apply(new double[n], new double[n], 5, 6));
        assertThrows(IllegalArgumentException.class, () -> fused.apply(new double[2 * n], new double[n], 0, 2));
    }

    @Test
    void aPlanWhoseProductMixesTheRowsIsOneInstance() {
        // A vector input: its 12 entries are the leading dimension, and the product mixes them.
        Var mixing = Var.constant(randn(rng, 12, 12));
        Var leaf = Var.param(randn(rng, 12));
        FusedVjpPlan fused = Autodiff.fusedPlan(leaf.matmul(mixing).sin(), leaf).orElseThrow();
        assertEquals(1, fused.instances());
        assertThrows(IllegalArgumentException.class, () -> fused.apply(new double[6], new double[6], 0, 6));
        assertMatchesPlan(x -> x.matmul(mixing).sin(), randn(rng, 12), 1);
    }

    @Test
    void graphsWithReductionsOrBroadcastInputsHaveNoFusedPlan() {
        Var x = Var.param(randn(rng, 3, 4));
        assertTrue(Autodiff.fusedPlan(x.sin().sum(-1), x).isEmpty());
        Var v = Var.param(randn(rng, 4));
        assertTrue(Autodiff.fusedPlan(Var.constant(randn(rng, 3, 4)).add(v), v).isEmpty());
        Var m = Var.param(randn(rng, 4, 4));
        assertTrue(Autodiff.fusedPlan(Var.constant(randn(rng, 3, 4)).matmul(m), m).isEmpty());
    }

    @Test
    void anOutputThatDoesNotDependOnTheInputGivesZeros() {
        Var x = Var.param(randn(rng, 2, 3));
        Var z = Var.param(randn(rng, 2, 3));
        FusedVjpPlan fused = Autodiff.fusedPlan(z.sin(), x).orElseThrow();
        double[] out = {1, 2, 3, 4, 5, 6};
        fused.apply(randn(rng, 2, 3).data(), out);
        assertArrayEquals(new double[6], out, 0.0);
    }

    @Test
    void wrongLengthsAndAliasedArraysAreRejected() {
        Var x = Var.param(randn(rng, 2, 3));
        FusedVjpPlan fused = Autodiff.fusedPlan(x.sin(), x).orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> fused.apply(new double[5], new double[6]));
        double[] same = new double[6];
        assertThrows(IllegalArgumentException.class, () -> fused.apply(same, same));
    }

    @Test
    void appliedConcurrentlyItGivesTheSequentialResults() throws Exception {
        Var w = Var.constant(randn(rng, 6, 6));
        Var x = Var.param(randn(rng, 4, 6));
        FusedVjpPlan fused = Autodiff.fusedPlan(x.matmul(w).cos().mul(x).matmul(w), x).orElseThrow();
        List<double[]> cots = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int k = 0; k < 32; k++) {
            double[] g = randn(rng, 4, 6).data();
            double[] out = new double[24];
            fused.apply(g, out);
            cots.add(g);
            expected.add(out);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> got = new ArrayList<>();
            for (double[] g : cots) {
                got.add(pool.submit(() -> {
                    double[] out = new double[24];
                    fused.apply(g, out);
                    return out;
                }));
            }
            for (int k = 0; k < got.size(); k++) {
                assertArrayEquals(expected.get(k), got.get(k).get(), 0.0);
            }
        } finally {
            pool.shutdown();
        }
    }
}
