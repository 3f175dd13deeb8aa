package io.foldopt.algorithms;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.autodiff.VjpPlan;
import io.foldopt.check.GradientCheck;
import io.foldopt.check.RandomMatrices;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.SpectralRadius;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The checks every foldable algorithm must pass: the forward solution is a fixed point of its update
 * map, the folded gradients of every backward method agree with the DIRECT method's (for parameters
 * and captured variables), and with central finite differences of the whole layer.
 */
final class FoldingAssertions {
    /** Forward tolerance of the layers under test. */
    static final double SOLVE_TOL = 1e-14;
    /** Backward options: tight residual, enough iterations for a slow LFPI. */
    static final FoldOptions OPTIONS = FoldOptions.defaults().withTolerance(1e-13).withMaxIterations(200_000);

    private FoldingAssertions() {}

    /** The outcome of one folded pass: the read-out solution, the gradients, the backward report. */
    record Pass(Tensor output, Tensor[] grads, BackwardReport report) {}

    /** @return {@code ||a - b|| / ||b||} (absolute if {@code b = 0}) */
    static double relErr(Tensor a, Tensor b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d += Math.pow(a.data()[i] - b.data()[i], 2);
        }
        return Math.sqrt(d) / (b.norm() == 0 ? 1.0 : b.norm());
    }

    /** @return a standard normal tensor */
    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), shape);
    }

    /** @return {@code M^T M / n + shift I} with standard normal {@code M}: symmetric positive definite */
    static Tensor spd(int n, double shift, long seed) {
        return RandomMatrices.spd(n, shift, seed);
    }

    /** @return the largest eigenvalue of a symmetric PSD matrix (power iteration) */
    static double lambdaMax(Tensor a) {
        return RandomMatrices.largestEigenvalue(a);
    }

    /** @return the values of the variables */
    static Tensor[] values(Var... vars) {
        return Arrays.stream(vars).map(Var::value).toArray(Tensor[]::new);
    }

    /** @return the forward solution, after asserting it is a fixed point of the update map to {@code tol} */
    static Tensor assertFixedPoint(FoldableAlgorithm alg, Tensor[] params, double tol) {
        Tensor state = GradMode.noGrad(() -> alg.solver(SOLVE_TOL, 1_000_000).solve(params));
        Tensor step = GradMode.withGrad(() -> alg.updateMap().apply(Var.param(state), constants(params))).value();
        int n = state.dim(1);
        for (int b = 0; b < state.dim(0); b++) {
            double d = 0;
            double s = 0;
            for (int j = b * n; j < (b + 1) * n; j++) {
                d += Math.pow(step.data()[j] - state.data()[j], 2);
                s += Math.pow(state.data()[j], 2);
            }
            double res = Math.sqrt(d) / Math.max(1.0, Math.sqrt(s));
            assertTrue(res <= tol, "instance " + b + ": ||U(s*) - s*|| = " + res);
        }
        return state;
    }

    /** @return per instance, {@code rho(Phi)} at the state by 2000 power iterations on VJPs of {@code U} */
    static double[] spectralRadius(FoldableAlgorithm alg, Tensor[] params, Tensor state) {
        Var leaf = Var.param(state);
        Var step = GradMode.withGrad(() -> alg.updateMap().apply(leaf, constants(params)));
        VjpPlan phiT = Autodiff.plan(new Var[] {step}, new Var[] {leaf});
        int batch = state.dim(0);
        int n = state.dim(1);
        BatchedOperator op = BatchedOperator.of(batch, n, (x, y) -> System.arraycopy(
                phiT.apply(Tensor.wrap(x.clone(), batch, n))[0].data(), 0, y, 0, x.length));
        return SpectralRadius.estimate(op, 2000, 7);
    }

    /**
     * @return the read-out solution and the gradients of {@code <g, output>} with respect to
     *     {@code params} then {@code captured}, through a folded layer with the given method
     */
    static Pass fold(FoldableAlgorithm alg, BatchedLinearSolver method, Var[] params, Var[] captured, Tensor g) {
        FoldedLayer layer = new FoldedLayer(alg.solver(SOLVE_TOL, 1_000_000), alg.updateMap(),
                OPTIONS.withSolver(method));
        Var out = alg.output(layer.apply(params));
        Var[] wrt = new Var[params.length + captured.length];
        System.arraycopy(params, 0, wrt, 0, params.length);
        System.arraycopy(captured, 0, wrt, params.length, captured.length);
        Tensor[] grads = Autodiff.vjp(new Var[] {out}, wrt, new Tensor[] {g});
        assertTrue(layer.lastReport().allOk(), method + " report: " + Arrays.toString(layer.lastReport().instances()));
        return new Pass(out.value(), grads, layer.lastReport());
    }

    /**
     * Asserts that GMRES, BiCGSTAB, and LFPI when {@code rho(Phi) < 1}, give the DIRECT method's
     * gradients to {@code tol} for every input, and that every captured variable gets a nonzero
     * gradient.
     *
     * @return the DIRECT pass
     */
    static Pass assertMethodsAgree(String label, FoldableAlgorithm alg, Var[] params, Var[] captured, Tensor g,
            double tol) {
        Pass direct = fold(alg, BatchedLinearSolver.DIRECT, params, captured, g);
        for (int i = params.length; i < direct.grads().length; i++) {
            assertTrue(direct.grads()[i].norm() > 0, label + ": captured variable " + (i - params.length)
                    + " gets no gradient");
        }
        Tensor state = GradMode.noGrad(() -> alg.solver(SOLVE_TOL, 1_000_000).solve(values(params)));
        double rho = Arrays.stream(spectralRadius(alg, values(params), state)).max().orElseThrow();
        for (BatchedLinearSolver m : List.of(BatchedLinearSolver.GMRES,
                BatchedLinearSolver.BICGSTAB, BatchedLinearSolver.LFPI)) {
            if (m == BatchedLinearSolver.LFPI && rho >= 0.999) {
                continue;
            }
            Pass pass = fold(alg, m, params, captured, g);
            for (int i = 0; i < direct.grads().length; i++) {
                double err = relErr(pass.grads()[i], direct.grads()[i]);
                assertTrue(err < tol, label + ", " + m + ", input " + i + ": error " + err + " against DIRECT");
            }
        }
        return direct;
    }

    /** Asserts central finite differences of the whole function (forward re-solves included) match its VJP. */
    static void assertFiniteDifferences(Function<Var[], Var> f, Tensor[] at, double step, double tol) {
        GradientCheck.Result r = GradientCheck.check(f, at, 4, step, 11);
        assertTrue(r.passes(tol), "finite differences: worst relative error " + r.worstRelativeError() + ", analytic "
                + Arrays.toString(r.analytic()) + ", numeric " + Arrays.toString(r.numeric()));
    }

    /** @return the gradients of {@code <g, f(inputs)>} with respect to the inputs */
    static Tensor[] gradients(Var out, Var[] inputs, Tensor g) {
        return Autodiff.vjp(new Var[] {out}, inputs, new Tensor[] {g});
    }

    /** @return the constant 0/1 matrix {@code S (rows.length, n)} with {@code S[r][rows[r]] = 1} */
    static Var selection(int[] rows, int n) {
        double[] s = new double[rows.length * n];
        for (int r = 0; r < rows.length; r++) {
            s[r * n + rows[r]] = 1.0;
        }
        return Var.constant(Tensor.wrap(s, rows.length, n));
    }

    private static Var[] constants(Tensor[] values) {
        return Arrays.stream(values).map(Var::constant).toArray(Var[]::new);
    }
}
