package io.foldopt.algorithms;

import static io.foldopt.algorithms.AdmmQpTest.A0;
import static io.foldopt.algorithms.AdmmQpTest.B;
import static io.foldopt.algorithms.AdmmQpTest.EQUAL;
import static io.foldopt.algorithms.AdmmQpTest.G;
import static io.foldopt.algorithms.AdmmQpTest.L0;
import static io.foldopt.algorithms.AdmmQpTest.LOWER;
import static io.foldopt.algorithms.AdmmQpTest.M;
import static io.foldopt.algorithms.AdmmQpTest.P0;
import static io.foldopt.algorithms.AdmmQpTest.Q0;
import static io.foldopt.algorithms.AdmmQpTest.U0;
import static io.foldopt.algorithms.AdmmQpTest.UPPER;
import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertFixedPoint;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ADMM with CG x-updates on the QP of {@link AdmmQpTest} with {@code P} and {@code A} as operators: the same
 * solution and gradients as the factorized {@link AdmmQp}, its own DIRECT, and finite differences.
 */
class MatrixFreeAdmmQpTest {
    private static final double RHO = 1.0;
    private static final double SIGMA = 1e-6;

    private static MatrixFreeAdmmQp admm(Var p, Var a) {
        return new MatrixFreeAdmmQp(new MatrixOperator(p), new MatrixOperator(a), RHO, SIGMA, 1e-13);
    }

    private static Var[] params() {
        return new Var[] {Var.param(Q0), Var.param(L0), Var.param(U0)};
    }

    @Test
    void sameSolutionAndGradientsAsTheFactorizedAdmm() {
        Var p = Var.param(P0);
        Var a = Var.param(A0);
        Tensor[] values = {Q0, L0, U0};
        Tensor state = assertFixedPoint(admm(p, a), values, 1e-9);
        Tensor reference = new AdmmQp(p, a, RHO, SIGMA).solver(1e-13, 1_000_000).solve(values);
        assertTrue(relErr(state, reference) < 1e-8, "state error " + relErr(state, reference));
        FoldingAssertions.Pass cg = FoldingAssertions.fold(admm(p, a), BatchedLinearSolver.GMRES, params(),
                new Var[] {p, a}, G);
        FoldingAssertions.Pass dense = FoldingAssertions.fold(new AdmmQp(p, a, RHO, SIGMA), BatchedLinearSolver.DIRECT,
                params(), new Var[] {p, a}, G);
        for (int i = 0; i < cg.grads().length; i++) {
            double err = relErr(cg.grads()[i], dense.grads()[i]);
            assertTrue(err < 1e-8, "input " + i + ": error " + err + " against the factorized ADMM");
        }
    }

    @Test
    void allMethodsAgreeWithDirect() {
        Var p = Var.param(P0);
        Var a = Var.param(A0);
        assertMethodsAgree("matrix-free ADMM", admm(p, a), params(), new Var[] {p, a}, G, 1e-8);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        assertFiniteDifferences(v -> {
            MatrixFreeAdmmQp alg = admm(v[4], v[5]);
            FoldedLayer layer = new FoldedLayer(alg.solver(1e-13, 1_000_000), alg.updateMap(),
                    FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.BICGSTAB));
            return alg.output(layer.apply(v[0], Structure.concat(v[1], v[2]), Structure.concat(v[1], v[3])));
        }, new Tensor[] {Q0, EQUAL, LOWER, UPPER, P0, A0}, 1e-6, 1e-6);
    }

    @Test
    void badInputsGetClearErrors() {
        Var p = Var.constant(P0);
        Var a = Var.constant(A0);
        IllegalArgumentException shapes = assertThrows(IllegalArgumentException.class,
                () -> admm(a, a));
        assertTrue(shapes.getMessage().contains("needs P (n, n) and A (m, n)"), shapes.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new MatrixFreeAdmmQp(new MatrixOperator(p), new MatrixOperator(a), RHO, SIGMA, 0));
        double[] lo = L0.toArray();
        lo[M + 1] = 1e3;
        IllegalArgumentException infeasible = assertThrows(IllegalArgumentException.class,
                () -> admm(p, a).solver(1e-10, 1000).solve(new Tensor[] {Q0, Tensor.wrap(lo, B, M), U0}));
        assertTrue(infeasible.getMessage().contains("infeasible bounds in instance 1"), infeasible.getMessage());
        ArithmeticException slow = assertThrows(ArithmeticException.class,
                () -> admm(p, a).solver(1e-13, 3).solve(new Tensor[] {Q0, L0, U0}));
        assertTrue(slow.getMessage().contains("did not converge on instance 0"), slow.getMessage());
    }
}
