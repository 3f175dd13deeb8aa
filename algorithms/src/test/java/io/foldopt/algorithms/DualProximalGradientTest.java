package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertFixedPoint;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.gradients;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static io.foldopt.algorithms.FoldingAssertions.selection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Folded DPG on {@code min 1/2 ||x - d||^2 + lambda ||D x||_1}: a learned (random) {@code D} and the
 * total-variation difference operator, with gradients to {@code d}, {@code D} and {@code lambda}
 * against the active-set closed form, DIRECT and finite differences.
 */
class DualProximalGradientTest {
    private static final int N = 10;
    private static final int K = 6;
    private static final int B = 3;
    private static final Tensor D0 = randn(21, K, N);
    private static final Tensor DATA = randn(22, B, N).map(v -> 2 * v);
    private static final Tensor LAMBDA = Tensor.scalar(0.5);
    private static final Tensor G = randn(23, B, N);

    /** @return the {@code (n - 1, n)} forward-difference matrix: {@code (D x)_i = x_{i+1} - x_i} */
    static Tensor differences(int n) {
        double[] d = new double[(n - 1) * n];
        for (int i = 0; i < n - 1; i++) {
            d[i * n + i] = -1.0;
            d[i * n + i + 1] = 1.0;
        }
        return Tensor.wrap(d, n - 1, n);
    }

    @Test
    void learnedOperatorFixedPointAndAllMethodsAgreeWithDirect() {
        Var dm = Var.param(D0);
        Var lambda = Var.param(LAMBDA);
        DualProximalGradient alg = new DualProximalGradient(dm, lambda);
        Tensor state = assertFixedPoint(alg, new Tensor[] {DATA}, 1e-10);
        long atBound = IntStream.range(0, B * (K + N)).filter(i -> i % (K + N) < K)
                .filter(i -> Math.abs(state.data()[i]) == 0.5).count();
        assertTrue(atBound > 0 && atBound < B * K, atBound + " of " + B * K + " duals at the bound");
        assertMethodsAgree("DPG, learned D", alg, new Var[] {Var.param(DATA)}, new Var[] {dm, lambda}, G, 1e-8);
    }

    @Test
    void totalVariationDenoisingAllMethodsAgreeWithDirect() {
        int n = 20;
        double[] signal = new double[3 * n];
        double[] noise = randn(24, 3, n).data();
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (i % n < 7 ? 1.0 : i % n < 14 ? -0.5 : 0.8) + 0.3 * noise[i];
        }
        Var dm = Var.param(differences(n));
        Var lambda = Var.param(Tensor.scalar(0.2));
        DualProximalGradient alg = new DualProximalGradient(dm, lambda);
        Tensor y = Tensor.wrap(signal, 3, n);
        assertFixedPoint(alg, new Tensor[] {y}, 1e-10);
        assertMethodsAgree("DPG, total variation", alg, new Var[] {Var.param(y)}, new Var[] {dm, lambda},
                randn(25, 3, n), 1e-8);
    }

    /**
     * With the duals at the bound {@code A} (signs {@code s}) and the free ones {@code F}, the solution
     * is the projection of {@code d - lambda D_A^T s} onto the null space of {@code D_F}:
     * {@code x = u - D_F^T (D_F D_F^T)^{-1} D_F u}. Differentiated directly it gives the reference
     * gradients for {@code d}, {@code D} and {@code lambda}.
     */
    @Test
    void matchesActiveSetClosedForm() {
        Var dm = Var.param(D0);
        Var lambda = Var.param(LAMBDA);
        DualProximalGradient alg = new DualProximalGradient(dm, lambda);
        Tensor state = alg.solver(1e-14, 1_000_000).solve(new Tensor[] {DATA});
        FoldingAssertions.Pass folded = FoldingAssertions.fold(alg, BatchedLinearSolver.GMRES,
                new Var[] {Var.param(DATA)},
                new Var[] {dm, lambda}, G);
        double[] gradD = new double[K * N];
        double gradLambda = 0;
        for (int b = 0; b < B; b++) {
            double[] y = state.row(b);
            int[] active = IntStream.range(0, K).filter(i -> Math.abs(y[i]) == 0.5).toArray();
            int[] free = IntStream.range(0, K).filter(i -> Math.abs(y[i]) < 0.5).toArray();
            double[] signs = IntStream.of(active).mapToDouble(i -> Math.signum(y[i])).toArray();
            Var db = Var.param(Tensor.wrap(DATA.row(b), 1, N));
            Var da = selection(active, K).matmul(dm);
            Var df = selection(free, K).matmul(dm);
            Var u = db.sub(Var.constant(Tensor.wrap(signs, 1, active.length)).matmul(da).mul(lambda));
            Var yFree = LinearAlgebra.solve(df.matmul(df.transpose()), u.matmul(df.transpose()));
            Var x = u.sub(yFree.matmul(df));
            assertTrue(relErr(Tensor.wrap(folded.output().row(b), 1, N), x.value()) < 1e-10, "solution " + b);
            Tensor[] ref = gradients(x, new Var[] {db, dm, lambda}, Tensor.wrap(G.row(b), 1, N));
            assertTrue(relErr(Tensor.wrap(folded.grads()[0].row(b), 1, N), ref[0]) < 1e-9, "dL/dd of instance " + b);
            for (int i = 0; i < gradD.length; i++) {
                gradD[i] += ref[1].data()[i];
            }
            gradLambda += ref[2].item();
        }
        assertTrue(relErr(folded.grads()[1], Tensor.wrap(gradD, K, N)) < 1e-9, "dL/dD");
        assertEquals(gradLambda, folded.grads()[2].item(), 1e-9 * Math.abs(gradLambda), "dL/dlambda");
    }

    @Test
    void gradientsToDataOperatorAndWeightMatchFiniteDifferences() {
        assertFiniteDifferences(p -> {
            DualProximalGradient alg = new DualProximalGradient(p[1], p[2]);
            FoldedLayer layer = new FoldedLayer(alg.solver(1e-14, 1_000_000), alg.updateMap(),
                    FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.BICGSTAB));
            return alg.output(layer.apply(p[0]));
        }, new Tensor[] {DATA, D0, LAMBDA}, 1e-6, 1e-6);
    }

    /** The operator form with block weights: DIRECT agreement, and the solution and gradients of folded PDHG. */
    @Test
    void operatorFormWithBlockWeightsAgreesWithDirectAndWithPdhg() {
        Var dm = Var.param(D0);
        Var lambda = Var.param(Tensor.vector(0.4, 0.7));
        DualProximalGradient dpg = new DualProximalGradient(new MatrixOperator(dm),
                PrimalDualHybridGradient.weightedL1Conjugate(lambda, 4, 2));
        FoldingAssertions.Pass direct = assertMethodsAgree("DPG, operator", dpg, new Var[] {Var.param(DATA)},
                new Var[] {dm, lambda}, G, 1e-8);
        PrimalDualHybridGradient pdhg = new PrimalDualHybridGradient(new MatrixOperator(dm),
                PrimalTerm.squaredDistance(), PrimalDualHybridGradient.weightedL1Conjugate(lambda, 4, 2));
        FoldingAssertions.Pass other = FoldingAssertions.fold(pdhg, BatchedLinearSolver.GMRES,
                new Var[] {Var.param(DATA)}, new Var[] {dm, lambda}, G);
        assertTrue(relErr(other.output(), direct.output()) < 1e-9, "solution");
        for (int i = 0; i < other.grads().length; i++) {
            double err = relErr(other.grads()[i], direct.grads()[i]);
            assertTrue(err < 1e-8, "input " + i + ": error " + err + " against PDHG");
        }
    }

    @Test
    void lipschitzConstantIsTheSquaredSpectralNorm() {
        // ||D||_2^2 of the difference matrix of size n is 2 - 2 cos(pi (n - 1) / n).
        DualProximalGradient tv = new DualProximalGradient(Var.constant(differences(12)), Var.scalar(1.0));
        assertEquals(2 - 2 * Math.cos(Math.PI * 11 / 12), tv.lipschitz(), 1e-10);
    }

    @Test
    void badInputsGetClearErrors() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new DualProximalGradient(Var.constant(D0), Var.scalar(-1.0)));
        assertTrue(negative.getMessage().contains("lambda must be one finite value >= 0"), negative.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new DualProximalGradient(Var.constant(D0), Var.scalar(Double.NaN)));
        assertThrows(IllegalArgumentException.class,
                () -> new DualProximalGradient(Var.constant(D0), Var.constant(Tensor.vector(1, 2))));
        assertThrows(IllegalArgumentException.class,
                () -> new DualProximalGradient(Var.constant(Tensor.zeros(K, N)), Var.scalar(1.0)));
        double[] nanD = D0.toArray();
        nanD[5] = Double.NaN;
        IllegalArgumentException badD = assertThrows(IllegalArgumentException.class,
                () -> new DualProximalGradient(Var.constant(Tensor.wrap(nanD, K, N)), Var.scalar(1.0)));
        assertTrue(badD.getMessage().contains("non-finite"), badD.getMessage());

        DualProximalGradient alg = new DualProximalGradient(Var.constant(D0), Var.constant(LAMBDA));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {randn(1, B, N + 1)}));
        assertTrue(shape.getMessage().contains("d must have shape (B, " + N + ")"), shape.getMessage());
        FoldedLayer layer = alg.layer(FoldingAssertions.OPTIONS);
        IllegalArgumentException mapShape = assertThrows(IllegalArgumentException.class,
                () -> layer.apply(Var.param(randn(1, B, N + 1))));
        assertTrue(mapShape.getMessage().contains("d must have shape"), mapShape.getMessage());
        double[] nanData = DATA.toArray();
        nanData[2 * N + 1] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {Tensor.wrap(nanData, B, N)}));
        assertTrue(nan.getMessage().contains("instance 2"), nan.getMessage());
        ArithmeticException slow = assertThrows(ArithmeticException.class,
                () -> alg.solver(1e-14, 2).solve(new Tensor[] {DATA}));
        assertTrue(slow.getMessage().contains("did not converge on instance 0"), slow.getMessage());
    }
}
