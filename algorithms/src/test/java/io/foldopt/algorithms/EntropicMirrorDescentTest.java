package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertFixedPoint;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.gradients;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Folded entropic mirror descent on {@code min 1/2 x^T Q x + c^T x} over the simplex, at interior
 * solutions: against the equality-constrained KKT solve, DIRECT and finite differences, with
 * gradients to {@code c} and the captured {@code Q}.
 */
class EntropicMirrorDescentTest {
    private static final int N = 6;
    private static final int B = 3;
    private static final Tensor Q0 = FoldingAssertions.spd(N, 1.0, 41);
    private static final Tensor C0 = randn(42, B, N).map(v -> 0.1 * v);
    private static final Tensor G = randn(43, B, N);
    private static final double ETA = 1.0;

    static SmoothObjective quadratic(Var q) {
        return (x, p) -> x.matmul(q).mul(x).sum(-1).mul(0.5).add(x.mul(p[0]).sum(-1));
    }

    @Test
    void interiorFixedPointAndAllMethodsAgreeWithDirect() {
        Var q = Var.param(Q0);
        EntropicMirrorDescent alg = new EntropicMirrorDescent(N, quadratic(q), ETA);
        Tensor x = assertFixedPoint(alg, new Tensor[] {C0}, 1e-10);
        for (int b = 0; b < B; b++) {
            double sum = 0;
            for (double v : x.row(b)) {
                assertTrue(v > 0.01, "interior solution, got " + v);
                sum += v;
            }
            assertEquals(1.0, sum, 1e-14);
        }
        assertMethodsAgree("entropic mirror descent", alg, new Var[] {Var.param(C0)}, new Var[] {q}, G, 1e-8);
    }

    /**
     * An interior solution solves {@code [[S, 1], [1^T, 0]] (x, nu) = (-c, 1)} with the symmetric part
     * {@code S = (Q + Q^T) / 2} (the Hessian of f): differentiated directly, the reference gradients
     * for {@code c} and {@code Q}.
     */
    @Test
    void matchesEqualityConstrainedKktSolve() {
        Var q = Var.param(Q0);
        EntropicMirrorDescent alg = new EntropicMirrorDescent(N, quadratic(q), ETA);
        Var c = Var.param(C0);
        FoldingAssertions.Pass folded = FoldingAssertions.fold(alg, BatchedLinearSolver.BICGSTAB, new Var[] {c},
                new Var[] {q}, G);
        Var ones = Var.constant(Tensor.full(1.0, 1, N));
        Var top = Structure.concat(q.add(q.transpose()).mul(0.5), ones.transpose());
        Var bottom = Structure.concat(ones, Var.constant(Tensor.zeros(1, 1)));
        Var kkt = Structure.concat(top.transpose(), bottom.transpose()).transpose();
        Var cr = Var.param(C0);
        Var x = LinearAlgebra.solve(kkt, Structure.concat(cr.neg(), Var.constant(Tensor.full(1.0, B, 1)))).slice(0, N);
        assertTrue(relErr(folded.output(), x.value()) < 1e-10, "solution");
        Tensor[] ref = gradients(x, new Var[] {cr, q}, G);
        assertTrue(relErr(folded.grads()[0], ref[0]) < 1e-9, "dL/dc: " + relErr(folded.grads()[0], ref[0]));
        assertTrue(relErr(folded.grads()[1], ref[1]) < 1e-9, "dL/dQ: " + relErr(folded.grads()[1], ref[1]));
    }

    @Test
    void gradientsToCostAndCapturedMatrixMatchFiniteDifferences() {
        assertFiniteDifferences(p -> {
            EntropicMirrorDescent alg = new EntropicMirrorDescent(N, quadratic(p[1]), ETA);
            FoldedLayer layer = new FoldedLayer(alg.solver(1e-14, 1_000_000), alg.updateMap(),
                    FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.GMRES));
            return alg.output(layer.apply(p[0]));
        }, new Tensor[] {C0, Q0}, 1e-6, 1e-6);
    }

    /** {@code f = 1/2 ||x - p||^2}: the projection of {@code p} onto the simplex. */
    private static final SmoothObjective DISTANCE = (x, p) -> x.sub(p[0]).mul(x.sub(p[0])).sum(-1).mul(0.5);

    /**
     * {@code p = (0.6, 0.7, -0.5)}: {@code x* = (0.45, 0.55, 0)} with gradient gap 0.55 at the zero
     * entry, which the solver drives below its tolerance; the folded gradient is the face's.
     */
    @Test
    void zeroEntryWithPositiveGapConvergesAndFolds() {
        EntropicMirrorDescent alg = new EntropicMirrorDescent(3, DISTANCE, ETA);
        Tensor p = Tensor.wrap(new double[] {0.6, 0.7, -0.5, 0.2, 1.1, -0.3}, 2, 3);
        Tensor x = assertFixedPoint(alg, new Tensor[] {p}, 1e-12);
        assertEquals(0.45, x.data()[0], 1e-12);
        assertTrue(x.data()[2] < 1e-13 && x.data()[5] < 1e-13, x.toString());
        FoldedLayer layer = alg.layer(FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.DIRECT));
        assertFiniteDifferences(v -> layer.apply(v[0]), new Tensor[] {p}, 1e-6, 1e-6);
    }

    /** {@code p} on a face of the simplex: {@code x* = p} has a zero entry without a gradient gap. */
    @Test
    void zeroEntryWithoutGapFailsWithAHint() {
        EntropicMirrorDescent alg = new EntropicMirrorDescent(3, DISTANCE, ETA);
        Tensor face = Tensor.wrap(new double[] {0.3, 0.3, 0.4, 0.5, 0.5, 0.0}, 2, 3);
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> alg.solver(1e-12, 5000).solve(new Tensor[] {face}));
        assertTrue(e.getMessage().contains("instance 1") && e.getMessage().contains("x* > 0"), e.getMessage());
    }

    @Test
    void badInputsGetClearErrors() {
        SmoothObjective f = quadratic(Var.constant(Q0));
        assertThrows(IllegalArgumentException.class, () -> new EntropicMirrorDescent(N, f, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new EntropicMirrorDescent(N, f, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new EntropicMirrorDescent(0, f, ETA));
        EntropicMirrorDescent alg = new EntropicMirrorDescent(N, f, ETA);
        double[] bad = C0.toArray();
        bad[N + 2] = Double.POSITIVE_INFINITY;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {Tensor.wrap(bad, B, N)}));
        assertTrue(nan.getMessage().contains("instance 1"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> alg.solver(1e-10, 1000).solve(new Tensor[0]));
    }
}
