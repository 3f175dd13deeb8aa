package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertFixedPoint;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.prox.ProximalOperator;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Folded PDHG on {@code min 1/2 ||x - d||^2 + sum_k lambda_k ||D_k x||_1}: its fixed point against the dual
 * proximal gradient solver, and its gradients to {@code d}, {@code D} and {@code lambda} against DIRECT and finite
 * differences, with a learned (random) operator, the 1-D and the 2-D difference operators.
 */
class PrimalDualHybridGradientTest {
    private static final int N = 10;
    private static final int K = 6;
    private static final int B = 3;
    private static final Tensor D0 = randn(31, K, N);
    private static final Tensor DATA = randn(32, B, N).map(v -> 2 * v);
    private static final Tensor G = randn(33, B, N);

    private static PrimalDualHybridGradient pdhg(Var d, ProximalOperator gStar) {
        return new PrimalDualHybridGradient(new MatrixOperator(d), PrimalTerm.squaredDistance(), gStar);
    }

    /** @return the {@code (2 h (w - 1) ..., h w)} forward differences of an {@code h x w} image, rows then columns */
    static Tensor differences2d(int h, int w) {
        int n = h * w;
        int m = h * (w - 1) + (h - 1) * w;
        double[] d = new double[m * n];
        int r = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j + 1 < w; j++, r++) {
                d[r * n + i * w + j] = -1;
                d[r * n + i * w + j + 1] = 1;
            }
        }
        for (int i = 0; i + 1 < h; i++) {
            for (int j = 0; j < w; j++, r++) {
                d[r * n + i * w + j] = -1;
                d[r * n + (i + 1) * w + j] = 1;
            }
        }
        return Tensor.wrap(d, m, n);
    }

    @Test
    void fixedPointIsTheSolutionOfTheDualProximalGradientSolver() {
        Var dm = Var.constant(D0);
        PrimalDualHybridGradient alg = pdhg(dm, ProximalOperator.box(Var.scalar(-0.5), Var.scalar(0.5)));
        Tensor state = assertFixedPoint(alg, new Tensor[] {DATA}, 1e-10);
        DualProximalGradient dpg = new DualProximalGradient(dm, Var.scalar(0.5));
        Tensor reference = dpg.solver(1e-14, 1_000_000).solve(new Tensor[] {DATA});
        for (int b = 0; b < B; b++) {
            Tensor x = Tensor.wrap(Arrays.copyOf(state.row(b), N), 1, N);
            Tensor ref = Tensor.wrap(Arrays.copyOfRange(reference.row(b), K, K + N), 1, N);
            assertTrue(relErr(x, ref) < 1e-9, "instance " + b + ": error " + relErr(x, ref));
        }
    }

    @Test
    void learnedOperatorAndBlockWeightsAllMethodsAgreeWithDirect() {
        Var dm = Var.param(D0);
        Var lambda = Var.param(Tensor.vector(0.4, 0.7));
        PrimalDualHybridGradient alg = pdhg(dm, PrimalDualHybridGradient.weightedL1Conjugate(lambda, 4, 2));
        assertMethodsAgree("PDHG, learned D", alg, new Var[] {Var.param(DATA)}, new Var[] {dm, lambda}, G, 1e-8);
    }

    @Test
    void gradientsToDataOperatorAndWeightsMatchFiniteDifferences() {
        assertFiniteDifferences(p -> {
            PrimalDualHybridGradient alg = pdhg(p[1], PrimalDualHybridGradient.weightedL1Conjugate(p[2], 4, 2));
            FoldedLayer layer = new FoldedLayer(alg.solver(1e-14, 1_000_000), alg.updateMap(),
                    FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.GMRES));
            return alg.output(layer.apply(p[0]));
        }, new Tensor[] {DATA, D0, Tensor.vector(0.4, 0.7)}, 1e-6, 1e-6);
    }

    /**
     * The 2-D differences of a 4 x 5 image have cycles, so the free duals are not unique and {@code I - Phi} is
     * singular; GMRES and BiCGSTAB still solve the consistent backward system and give the unique gradient.
     */
    @Test
    void twoDimensionalTotalVariationGradientsMatchFiniteDifferences() {
        int h = 4;
        int w = 5;
        double[] img = new double[2 * h * w];
        double[] noise = randn(34, 2, h * w).data();
        for (int i = 0; i < img.length; i++) {
            int p = i % (h * w);
            img[i] = (p % w < 2 ? 1.0 : p / w < 2 ? -0.5 : 0.3) + 0.2 * noise[i];
        }
        Tensor d2 = differences2d(h, w);
        for (BatchedLinearSolver method : List.of(BatchedLinearSolver.GMRES, BatchedLinearSolver.BICGSTAB)) {
            assertFiniteDifferences(p -> {
                PrimalDualHybridGradient alg = pdhg(Var.constant(d2),
                        PrimalDualHybridGradient.weightedL1Conjugate(p[1], d2.dim(0)));
                FoldedLayer layer = new FoldedLayer(alg.solver(1e-14, 1_000_000), alg.updateMap(),
                        FoldingAssertions.OPTIONS.withSolver(method));
                return alg.output(layer.apply(p[0]));
            }, new Tensor[] {Tensor.wrap(img, 2, h * w), Tensor.vector(0.15)}, 1e-6, 1e-6);
        }
    }

    @Test
    void warmStartAndFixedStepsReachTheSolution() {
        PrimalDualHybridGradient alg = pdhg(Var.constant(D0), ProximalOperator.box(Var.scalar(-0.5), Var.scalar(0.5)));
        Tensor cold = alg.solver(1e-13, 1_000_000).solve(new Tensor[] {DATA});
        Tensor warm = alg.solver(1e-13, 2, cold).solve(new Tensor[] {DATA});
        assertTrue(relErr(warm, cold) < 1e-12, "warm start moved by " + relErr(warm, cold));
        Tensor steps = alg.iterate(Tensor.zeros(B, alg.stateDim()), new Tensor[] {DATA}, 200_000);
        assertTrue(relErr(steps, cold) < 1e-11, "200000 steps from zero: " + relErr(steps, cold));
        Tensor one = alg.iterate(cold, new Tensor[] {DATA}, 1);
        Var step = alg.updateMap().apply(Var.constant(cold), new Var[] {Var.constant(DATA)});
        assertTrue(relErr(one, step.value()) < 1e-15, "one step differs from the update map");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-13, 10, Tensor.zeros(B, alg.stateDim() + 1)).solve(new Tensor[] {DATA}));
        assertEquals("PDHG: the starting states must have shape (" + B + ", " + alg.stateDim() + "), got [" + B + ", "
                + (alg.stateDim() + 1) + "]", e.getMessage());
    }

    @Test
    void stepsFollowTheOperatorNorm() {
        // ||D||_2 of the 1-D difference matrix of size n is sqrt(2 - 2 cos(pi (n - 1) / n)).
        double norm = Math.sqrt(2 - 2 * Math.cos(Math.PI * 11 / 12));
        Var dm = Var.constant(DualProximalGradientTest.differences(12));
        assertEquals(norm, PrimalDualHybridGradient.operatorNorm(new MatrixOperator(dm)), 2e-5 * norm);
        PrimalDualHybridGradient alg = pdhg(dm, ProximalOperator.box(Var.scalar(-1), Var.scalar(1)));
        assertTrue(alg.primalStep() * alg.dualStep() * norm * norm < 1, "tau sigma ||K||^2 < 1");
    }

    @Test
    void badInputsGetClearErrors() {
        ProximalOperator box = ProximalOperator.box(Var.scalar(-1), Var.scalar(1));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> pdhg(Var.constant(Tensor.zeros(K, N)), box));
        assertTrue(zero.getMessage().contains("K must be nonzero"), zero.getMessage());
        IllegalArgumentException bound = assertThrows(IllegalArgumentException.class,
                () -> new PrimalDualHybridGradient(new MatrixOperator(Var.constant(D0)), PrimalTerm.squaredDistance(),
                        box, Double.NaN));
        assertTrue(bound.getMessage().contains("bound on ||K||"), bound.getMessage());
        IllegalArgumentException blocks = assertThrows(IllegalArgumentException.class,
                () -> PrimalDualHybridGradient.weightedL1Conjugate(Var.constant(Tensor.vector(1, 2)), 6));
        assertTrue(blocks.getMessage().contains("one weight per block"), blocks.getMessage());

        PrimalDualHybridGradient alg = pdhg(Var.constant(D0), box);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {randn(1, B, N + 1)}));
        assertTrue(shape.getMessage().contains("d must have shape (B, " + N + ")"), shape.getMessage());
        double[] nan = DATA.toArray();
        nan[N + 3] = Double.NaN;
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {Tensor.wrap(nan, B, N)}));
        assertTrue(bad.getMessage().contains("instance 1"), bad.getMessage());
        ArithmeticException slow = assertThrows(ArithmeticException.class,
                () -> alg.solver(1e-14, 3).solve(new Tensor[] {DATA}));
        assertTrue(slow.getMessage().contains("PDHG did not converge on instance 0"), slow.getMessage());
    }
}
