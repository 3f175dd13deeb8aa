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
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.prox.ProximalOperator;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Folded proximal gradient on {@code min 1/2 ||A x - c||^2 + h(x)} with captured {@code A} and
 * captured parameters of {@code h}, for every proximal operator: the lasso against its active-set closed
 * form, every {@code h} against DIRECT, finite differences and unrolling.
 */
class ProximalGradientTest {
    private static final int N = 8;
    private static final int M = 12;
    private static final int B = 3;

    /** The nonsmooth terms under test, each built from its captured parameters (scalars or vectors). */
    enum Term {
        L1(p -> ProximalOperator.l1(p[0]), Tensor.scalar(0.3)),
        NONNEGATIVE_L1(p -> ProximalOperator.nonnegativeL1(p[0]),
                Tensor.vector(0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2)),
        SQUARED_L2(p -> ProximalOperator.squaredL2(p[0]), Tensor.scalar(0.5)),
        BOX(p -> ProximalOperator.box(p[0], p[1]), Tensor.scalar(-0.4),
                Tensor.vector(0.3, 0.35, 0.4, 0.45, 0.5, 0.3, 0.35, 0.4));

        final Tensor[] params;
        final Function<Var[], ProximalOperator> make;

        Term(Function<Var[], ProximalOperator> make, Tensor... params) {
            this.params = params;
            this.make = make;
        }

        /** @return the parameters as fresh leaves that require gradients */
        Var[] leaves() {
            return Arrays.stream(params).map(Var::param).toArray(Var[]::new);
        }
    }

    private static final Tensor A0 = randn(1, M, N).map(v -> v / Math.sqrt(M));
    private static final Tensor C0 = randn(2, B, M).map(v -> 1.5 * v);
    private static final Tensor G = randn(3, B, N);

    /** @return {@code f(x, c) = 1/2 ||x A^T - c||^2} per instance */
    static SmoothObjective leastSquares(Var a) {
        return (x, p) -> {
            Var r = x.matmul(a.transpose()).sub(p[0]);
            return r.mul(r).sum(-1).mul(0.5);
        };
    }

    /** The step {@code 1 / lambda_max(A0^T A0)}. */
    private static final double STEP = 1.0 / FoldingAssertions.lambdaMax(
            LinearAlgebra.matmul(Var.constant(A0.transpose()), Var.constant(A0)).value());

    /** @return proximal gradient on the least-squares term with data matrix {@code a} */
    static ProximalGradient problem(Var a, ProximalOperator h) {
        return new ProximalGradient(N, leastSquares(a), h, STEP);
    }

    @ParameterizedTest
    @EnumSource(Term.class)
    void solutionIsFixedPointAndAllMethodsAgreeWithDirect(Term term) {
        Var a = Var.param(A0);
        Var[] hp = term.leaves();
        ProximalGradient alg = problem(a, term.make.apply(hp));
        Tensor x = assertFixedPoint(alg, new Tensor[] {C0}, 1e-10);
        if (term != Term.SQUARED_L2) {
            long kinks = IntStream.range(0, x.size()).filter(i -> kink(term, x.data()[i], i % N)).count();
            assertTrue(kinks > 0 && kinks < x.size(), term + ": " + kinks + " coordinates at a kink");
        }
        Var[] captured = new Var[hp.length + 1];
        captured[0] = a;
        System.arraycopy(hp, 0, captured, 1, hp.length);
        assertMethodsAgree("proximal gradient, " + term, alg, new Var[] {Var.param(C0)}, captured, G, 1e-8);
    }

    /** @return whether coordinate {@code j} with value {@code v} sits where {@code h} is not smooth */
    private static boolean kink(Term term, double v, int j) {
        if (term == Term.BOX) {
            return v == -0.4 || v == term.params[1].data()[j];
        }
        return v == 0;
    }

    @ParameterizedTest
    @EnumSource(Term.class)
    void foldedGradientsToDataMatrixAndTermParametersMatchFiniteDifferences(Term term) {
        Tensor[] at = new Tensor[2 + term.params.length];
        at[0] = C0;
        at[1] = A0;
        System.arraycopy(term.params, 0, at, 2, term.params.length);
        assertFiniteDifferences(p -> {
            ProximalGradient alg = problem(p[1], term.make.apply(Arrays.copyOfRange(p, 2, p.length)));
            FoldedLayer layer = new FoldedLayer(alg.solver(1e-14, 100_000), alg.updateMap(),
                    FoldingAssertions.OPTIONS.withSolver(BatchedLinearSolver.GMRES));
            return alg.output(layer.apply(p[0]));
        }, at, 1e-6, 1e-6);
    }

    /** The least-squares term given by a {@link io.foldopt.operator.LinearOperator} folds like the matrix one. */
    @Test
    void operatorLeastSquaresGivesTheMatrixSolutionAndGradients() {
        Var a = Var.param(A0);
        Var w = Var.param(Term.L1.params[0]);
        ProximalGradient byOperator = new ProximalGradient(N, SmoothObjective.leastSquares(new MatrixOperator(a)),
                ProximalOperator.l1(w), STEP);
        FoldingAssertions.Pass op = FoldingAssertions.fold(byOperator, BatchedLinearSolver.GMRES,
                new Var[] {Var.param(C0)}, new Var[] {a, w}, G);
        FoldingAssertions.Pass matrix = FoldingAssertions.fold(problem(a, ProximalOperator.l1(w)),
                BatchedLinearSolver.DIRECT, new Var[] {Var.param(C0)}, new Var[] {a, w}, G);
        assertTrue(relErr(op.output(), matrix.output()) < 1e-10, "solution");
        for (int i = 0; i < op.grads().length; i++) {
            double err = relErr(op.grads()[i], matrix.grads()[i]);
            assertTrue(err < 1e-8, "input " + i + ": error " + err);
        }
    }

    /**
     * The lasso solution on its support {@code S} with signs {@code s} is
     * {@code x_S = (A_S^T A_S)^{-1} (A_S^T c - w s)}: differentiated directly, it gives the reference
     * gradients for {@code c}, {@code A} and {@code w}.
     */
    @Test
    void lassoMatchesActiveSetClosedForm() {
        Var a = Var.param(A0);
        Var w = Var.param(Term.L1.params[0]);
        ProximalGradient alg = problem(a, ProximalOperator.l1(w));
        FoldingAssertions.Pass folded = FoldingAssertions.fold(alg, BatchedLinearSolver.GMRES,
                new Var[] {Var.param(C0)},
                new Var[] {a, w}, G);
        double[] gradA = new double[M * N];
        double gradW = 0;
        for (int b = 0; b < B; b++) {
            double[] x = folded.output().row(b);
            int[] support = IntStream.range(0, N).filter(j -> x[j] != 0).toArray();
            double[] signs = IntStream.of(support).mapToDouble(j -> Math.signum(x[j])).toArray();
            Var s = selection(support, N);
            Var cb = Var.param(Tensor.wrap(C0.row(b), 1, M));
            Var as = a.matmul(s.transpose());
            Var rhs = cb.matmul(as).sub(w.mul(Var.constant(Tensor.wrap(signs, 1, support.length))));
            Var xRef = LinearAlgebra.solve(as.transpose().matmul(as), rhs).matmul(s);
            assertTrue(relErr(Tensor.wrap(x, 1, N), xRef.value()) < 1e-11, "solution of instance " + b);
            Tensor[] ref = gradients(xRef, new Var[] {cb, a, w}, Tensor.wrap(G.row(b), 1, N));
            assertTrue(relErr(Tensor.wrap(folded.grads()[0].row(b), 1, M), ref[0]) < 1e-9, "dL/dc of instance " + b);
            for (int i = 0; i < gradA.length; i++) {
                gradA[i] += ref[1].data()[i];
            }
            gradW += ref[2].item();
        }
        assertTrue(relErr(folded.grads()[1], Tensor.wrap(gradA, M, N)) < 1e-9, "dL/dA");
        assertEquals(gradW, folded.grads()[2].item(), 1e-9 * Math.abs(gradW), "dL/dw");
    }

    @Test
    void unrolledToConvergenceMatchesFolded() {
        Var a = Var.constant(A0);
        ProximalGradient alg = problem(a, ProximalOperator.l1(Var.constant(Term.L1.params[0])));
        Var c = Var.param(C0);
        Tensor folded =
                FoldingAssertions.fold(alg, BatchedLinearSolver.DIRECT, new Var[] {c}, new Var[0], G).grads()[0];
        UnrolledLayer unrolled = new UnrolledLayer(alg.updateMap(), p -> Tensor.zeros(B, N), 3000);
        Tensor viaUnrolling = gradients(unrolled.apply(c), new Var[] {c}, G)[0];
        assertTrue(relErr(viaUnrolling, folded) < 1e-7, "unrolled 3000: " + relErr(viaUnrolling, folded));
    }

    @Test
    void plainGradientOverrideGivesTheSameSolution() {
        Var a = Var.constant(A0);
        SmoothObjective autodiff = leastSquares(a);
        SmoothObjective plain = new SmoothObjective() {
            @Override
            public Var value(Var x, Var[] params) {
                return autodiff.value(x, params);
            }

            @Override
            public void gradient(double[] x, double[][] params, double[] out) {
                double[] ad = A0.data();
                Arrays.fill(out, 0.0);
                for (int i = 0; i < M; i++) {
                    double r = -params[0][i];
                    for (int j = 0; j < N; j++) {
                        r += ad[i * N + j] * x[j];
                    }
                    for (int j = 0; j < N; j++) {
                        out[j] += ad[i * N + j] * r;
                    }
                }
            }
        };
        ProximalOperator h = ProximalOperator.l1(Var.constant(Term.L1.params[0]));
        Tensor x1 = new ProximalGradient(N, autodiff, h, STEP).solver(1e-13, 100_000).solve(new Tensor[] {C0});
        Tensor x2 = new ProximalGradient(N, plain, h, STEP).solver(1e-13, 100_000).solve(new Tensor[] {C0});
        assertTrue(relErr(x2, x1) < 1e-11, "plain vs autodiff gradient: " + relErr(x2, x1));
    }

    @Test
    void badInputsGetClearErrors() {
        Var a = Var.constant(A0);
        ProximalOperator h = ProximalOperator.l1(Var.scalar(0.3));
        assertThrows(IllegalArgumentException.class, () -> new ProximalGradient(N, leastSquares(a), h, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new ProximalGradient(0, leastSquares(a), h, 0.1));
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> ProximalOperator.l1(Var.scalar(-1.0)));
        assertTrue(weight.getMessage().contains(">= 0"), weight.getMessage());

        ProximalGradient alg = problem(a, h);
        double[] bad = C0.toArray();
        bad[M + 4] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {Tensor.wrap(bad, B, M)}));
        assertTrue(nan.getMessage().contains("instance 1"), nan.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> alg.solver(1e-10, 1000).solve(new Tensor[] {C0.reshape(B * M)}));
        assertTrue(rank.getMessage().contains("shape"), rank.getMessage());

        ArithmeticException slow = assertThrows(ArithmeticException.class,
                () -> alg.solver(1e-12, 3).solve(new Tensor[] {C0}));
        assertTrue(slow.getMessage().contains("did not converge on instance 0"), slow.getMessage());
    }
}
