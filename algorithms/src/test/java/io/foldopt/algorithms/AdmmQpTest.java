package io.foldopt.algorithms;

import static io.foldopt.algorithms.FoldingAssertions.assertFiniteDifferences;
import static io.foldopt.algorithms.FoldingAssertions.assertFixedPoint;
import static io.foldopt.algorithms.FoldingAssertions.assertMethodsAgree;
import static io.foldopt.algorithms.FoldingAssertions.gradients;
import static io.foldopt.algorithms.FoldingAssertions.randn;
import static io.foldopt.algorithms.FoldingAssertions.relErr;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Folded OSQP-style ADMM on {@code min 1/2 x^T P x + q^T x  s.t.  l <= A x <= u} with two equality
 * rows and four inequality rows (some active, some not), against the dense KKT system of the active
 * constraints, DIRECT and finite differences; gradients reach {@code q, l, u} and the captured
 * {@code P, A}.
 */
class AdmmQpTest {
    static final int N = 8;
    static final int M = 6;
    private static final int EQ = 2;
    static final int B = 3;
    private static final double RHO = 1.0;
    private static final double SIGMA = 1e-6;
    static final Tensor P0 = FoldingAssertions.spd(N, 0.1, 31);
    static final Tensor A0 = randn(32, M, N);
    static final Tensor Q0 = randn(33, B, N).map(v -> 3 * v);
    static final Tensor EQUAL = randn(34, B, EQ).map(v -> 0.5 * v);
    static final Tensor LOWER = bound(35, -1.0);
    static final Tensor UPPER = bound(36, 1.0);
    static final Tensor L0 = Structure.concat(Var.constant(EQUAL), Var.constant(LOWER)).value();
    static final Tensor U0 = Structure.concat(Var.constant(EQUAL), Var.constant(UPPER)).value();
    static final Tensor G = randn(37, B, N);

    /** @return inequality bounds {@code sign * (1 + U[0, 1/2])} of shape {@code (B, M - EQ)} */
    private static Tensor bound(long seed, double sign) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[B * (M - EQ)];
        for (int i = 0; i < v.length; i++) {
            v[i] = sign * (1 + 0.5 * rng.nextDouble());
        }
        return Tensor.wrap(v, B, M - EQ);
    }

    private static Var[] params() {
        return new Var[] {Var.param(Q0), Var.param(L0), Var.param(U0)};
    }

    @Test
    void fixedPointWithActiveAndInactiveRowsAndAllMethodsAgreeWithDirect() {
        Var p = Var.param(P0);
        Var a = Var.param(A0);
        AdmmQp alg = new AdmmQp(p, a, RHO, SIGMA);
        Tensor state = assertFixedPoint(alg, new Tensor[] {Q0, L0, U0}, 1e-10);
        long active = IntStream.range(0, B).flatMap(b -> IntStream.range(EQ, M)
                .filter(i -> state.data()[b * (N + 2 * M) + N + M + i] != 0)).count();
        assertTrue(active > 0 && active < B * (M - EQ), active + " active inequality rows of " + B * (M - EQ));
        assertMethodsAgree("ADMM QP", alg, params(), new Var[] {p, a}, G, 1e-8);
    }

    /**
     * With the active rows {@code S} (equalities, and inequalities whose multiplier is nonzero, at the
     * bound given by its sign), the solution solves {@code [[P, A_S^T], [A_S, 0]] (x, y_S) = (-q, b_S)}:
     * differentiated directly, the reference gradients for {@code q, l, u, P, A}.
     */
    @Test
    void matchesDenseKktSolveOnTheActiveSet() {
        Var p = Var.param(P0);
        Var a = Var.param(A0);
        AdmmQp alg = new AdmmQp(p, a, RHO, SIGMA);
        Tensor state = alg.solver(1e-14, 1_000_000).solve(new Tensor[] {Q0, L0, U0});
        Var[] params = params();
        FoldingAssertions.Pass folded =
                FoldingAssertions.fold(alg, BatchedLinearSolver.GMRES, params, new Var[] {p, a}, G);
        Tensor[] total = new Tensor[] {Tensor.zeros(N, N), Tensor.zeros(M, N)};
        for (int b = 0; b < B; b++) {
            double[] y = state.row(b);
            int[] act = IntStream.range(0, M).filter(i -> i < EQ || y[N + M + i] != 0).toArray();
            int k = act.length;
            double[] up = new double[k * M];
            double[] lo = new double[k * M];
            for (int r = 0; r < k; r++) {
                (y[N + M + act[r]] > 0 ? up : lo)[r * M + act[r]] = 1.0;
            }
            Var qb = Var.param(Tensor.wrap(Q0.row(b), 1, N));
            Var lb = Var.param(Tensor.wrap(L0.row(b), 1, M));
            Var ub = Var.param(Tensor.wrap(U0.row(b), 1, M));
            Var as = FoldingAssertions.selection(act, M).matmul(a);
            Var top = Structure.concat(p, as.transpose());
            Var bottom = Structure.concat(as, Var.constant(Tensor.zeros(k, k)));
            Var kkt = Structure.concat(top.transpose(), bottom.transpose()).transpose();
            Var bs = ub.matmul(Var.constant(Tensor.wrap(up, k, M)).transpose())
                    .add(lb.matmul(Var.constant(Tensor.wrap(lo, k, M)).transpose()));
            Var x = LinearAlgebra.solve(kkt, Structure.concat(qb.neg(), bs)).slice(0, N);
            assertTrue(relErr(Tensor.wrap(folded.output().row(b), 1, N), x.value()) < 1e-10, "solution " + b);
            Tensor[] ref = gradients(x, new Var[] {qb, lb, ub, p, a}, Tensor.wrap(G.row(b), 1, N));
            for (int i = 0; i < 3; i++) {
                Tensor row = Tensor.wrap(folded.grads()[i].row(b), ref[i].shape());
                assertTrue(relErr(row, ref[i]) < 1e-8 || ref[i].norm() == 0 && row.norm() < 1e-10,
                        "input " + i + " of instance " + b + ": error " + relErr(row, ref[i]));
            }
            for (int i = 0; i < 2; i++) {
                double[] sum = total[i].toArray();
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += ref[3 + i].data()[j];
                }
                total[i] = Tensor.wrap(sum, total[i].shape());
            }
        }
        assertTrue(relErr(folded.grads()[3], total[0]) < 1e-8, "dL/dP: " + relErr(folded.grads()[3], total[0]));
        assertTrue(relErr(folded.grads()[4], total[1]) < 1e-8, "dL/dA: " + relErr(folded.grads()[4], total[1]));
    }

    /** Equality rows keep {@code l = u = b} under the perturbations: {@code l = (b, lo)}, {@code u = (b, hi)}. */
    @Test
    void gradientsToAllInputsMatchFiniteDifferences() {
        assertFiniteDifferences(v -> {
            AdmmQp alg = new AdmmQp(v[4], v[5], RHO, SIGMA);
            FoldedLayer layer = new FoldedLayer(alg.solver(1e-14, 1_000_000), alg.updateMap(),
                    FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.GMRES));
            return alg.output(layer.apply(v[0], Structure.concat(v[1], v[2]), Structure.concat(v[1], v[3])));
        }, new Tensor[] {Q0, EQUAL, LOWER, UPPER, P0, A0}, 1e-6, 1e-6);
    }

    @Test
    void badInputsGetClearErrors() {
        Var p = Var.constant(P0);
        Var a = Var.constant(A0);
        assertThrows(IllegalArgumentException.class, () -> new AdmmQp(p, a, 0.0, SIGMA));
        assertThrows(IllegalArgumentException.class, () -> new AdmmQp(p, a, RHO, Double.NaN));
        IllegalArgumentException square = assertThrows(IllegalArgumentException.class,
                () -> new AdmmQp(Var.constant(A0), a, RHO, SIGMA));
        assertTrue(square.getMessage().contains("P (n, n) and A (m, n)"), square.getMessage());
        double[] nanP = P0.toArray();
        nanP[3] = Double.NaN;
        assertThrows(IllegalArgumentException.class,
                () -> new AdmmQp(Var.constant(Tensor.wrap(nanP, N, N)), a, RHO, SIGMA));

        AdmmQp alg = new AdmmQp(p, a, RHO, SIGMA);
        double[] lo = L0.toArray();
        lo[M + 3] = U0.data()[M + 3] + 0.1;
        IllegalArgumentException infeasible = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {Q0, Tensor.wrap(lo, B, M), U0}));
        assertTrue(infeasible.getMessage().contains("infeasible bounds in instance 1: l[3]"), infeasible.getMessage());
        FoldedLayer layer = alg.layer(FoldingAssertions.OPTIONS);
        assertThrows(IllegalArgumentException.class,
                () -> layer.apply(Var.param(Q0), Var.param(Tensor.wrap(lo, B, M)), Var.param(U0)));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {randn(1, B, N + 1), L0, U0}));
        assertTrue(shape.getMessage().contains("q must have shape (B, " + N + ")"), shape.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {Q0, L0}));
        assertTrue(count.getMessage().contains("expects 3 parameter(s)"), count.getMessage());
        double[] nanQ = Q0.toArray();
        nanQ[2 * N] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {Tensor.wrap(nanQ, B, N), L0, U0}));
        assertTrue(nan.getMessage().contains("q has a non-finite value (NaN) in instance 2"), nan.getMessage());

        // Rows 0 and 1 of A made equal with the equalities a x = 1 and a x = -1: no feasible point, so ADMM
        // cannot converge (its multipliers grow without bound).
        double[] ad = A0.toArray();
        System.arraycopy(ad, 0, ad, N, N);
        AdmmQp contradictory = new AdmmQp(p, Var.constant(Tensor.wrap(ad, M, N)), RHO, SIGMA);
        double[] eq = L0.toArray();
        for (int b = 0; b < B; b++) {
            eq[b * M] = 1.0;
            eq[b * M + 1] = -1.0;
        }
        Tensor bounds = Tensor.wrap(eq, B, M);
        double[] hi = U0.toArray();
        for (int b = 0; b < B; b++) {
            hi[b * M] = 1.0;
            hi[b * M + 1] = -1.0;
        }
        ArithmeticException diverged = assertThrows(ArithmeticException.class,
                () -> contradictory.solver(1e-10, 5000).solve(new Tensor[] {Q0, bounds, Tensor.wrap(hi, B, M)}));
        assertTrue(diverged.getMessage().contains("on instance 0"), diverged.getMessage());
    }
}
