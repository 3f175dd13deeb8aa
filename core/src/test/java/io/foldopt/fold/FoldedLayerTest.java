package io.foldopt.fold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.check.RandomMatrices;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Folded gradients against closed forms, direct solves and unrolling, on maps whose fixed points are
 * known: {@code U(x, c) = x - alpha (x A + c)} with symmetric positive definite {@code A}, whose
 * fixed point is {@code x* = -c A^{-1}} and whose Jacobian is {@code d x^* / d c = -A^{-1}}.
 */
class FoldedLayerTest {
    private static final int N = 12;
    private static final int B = 5;

    /** {@code M^T M / n + shift I} with standard normal {@code M}: symmetric positive definite. */
    static Tensor spd(int n, double shift, long seed) {
        return RandomMatrices.spd(n, shift, seed);
    }

    /** Largest eigenvalue of a symmetric PSD matrix by many power iterations. */
    static double lambdaMax(Tensor a) {
        return RandomMatrices.largestEigenvalue(a);
    }

    /** The linear map's fixed point {@code -c A^{-1}} computed by a dense solve (a black-box forward). */
    static ForwardSolver exactSolver(Var a) {
        return p -> LinearAlgebra.solve(a.detach(), Var.constant(p[0])).value().reshape(p[0].shape()).map(v -> -v);
    }

    static UpdateMap linearStep(Var a, double alpha) {
        return (x, p) -> x.sub(x.matmul(a).add(p[0]).mul(alpha));
    }

    static double relErr(Tensor a, Tensor b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d += Math.pow(a.data()[i] - b.data()[i], 2);
        }
        return Math.sqrt(d) / b.norm();
    }

    /** @return {@code (d x^* / d c)^T g} through {@code layer} */
    static Tensor gradOf(OptimizationLayer layer, Tensor c, Tensor g) {
        Var cv = Var.param(c);
        Var x = layer.apply(cv);
        return Autodiff.vjp(new Var[] {x}, new Var[] {cv}, new Tensor[] {g})[0];
    }

    @ParameterizedTest
    @ValueSource(strings = {"AUTO", "LFPI", "GMRES", "BICGSTAB", "DIRECT"})
    void unconstrainedQuadraticMatchesClosedForm(String method) {
        Tensor q = spd(N, 0.5, 1);
        Var qv = Var.constant(q);
        double alpha = 1.0 / (lambdaMax(q) + 1.0);
        Tensor c = Tensor.randn(new SplittableRandom(2), B, N);
        Tensor g = Tensor.randn(new SplittableRandom(3), B, N);
        FoldedLayer layer = new FoldedLayer(exactSolver(qv), linearStep(qv, alpha),
                FoldOptions.defaults().withSolver(BatchedLinearSolver.named(method)).withTolerance(1e-12));
        Tensor grad = gradOf(layer, c, g);
        // dL/dc = (d x^* / d c)^T g = -Q^{-1} g (Q symmetric).
        Tensor exact = LinearAlgebra.solve(qv, Var.constant(g)).value().map(v -> -v);
        assertTrue(relErr(grad, exact) < 1e-10, method + ": error " + relErr(grad, exact));
        BackwardReport report = layer.lastReport();
        assertEquals(B, report.instances().length);
        for (InstanceReport r : report.instances()) {
            assertTrue(r.converged(), r.toString());
            assertTrue(r.relativeResidual() <= 1e-12, r.toString());
            assertTrue(r.fixedPointResidual() < 1e-12, r.toString());
        }
        if (method.equals("AUTO")) {
            assertEquals("DIRECT", report.instances()[0].method(), "AUTO picks DIRECT for n <= 64");
        }
    }

    @Test
    void unrolledToConvergenceMatchesFolded() {
        Tensor q = spd(N, 0.5, 4);
        Var qv = Var.constant(q);
        double alpha = 1.0 / (lambdaMax(q) + 1.0);
        Tensor c = Tensor.randn(new SplittableRandom(5), B, N);
        Tensor g = Tensor.randn(new SplittableRandom(6), B, N);
        Tensor folded = gradOf(new FoldedLayer(exactSolver(qv), linearStep(qv, alpha),
                FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES)), c, g);
        Tensor shortRun = gradOf(new UnrolledLayer(linearStep(qv, alpha), p -> Tensor.zeros(B, N), 5), c, g);
        Tensor longRun = gradOf(new UnrolledLayer(linearStep(qv, alpha), p -> Tensor.zeros(B, N), 2000), c, g);
        assertTrue(relErr(longRun, folded) < 1e-9, "unrolled 2000: " + relErr(longRun, folded));
        assertTrue(relErr(shortRun, folded) > 1e-2, "unrolled 5 should still be inexact");
    }

    @Test
    void spectralRadiusAboveOneLfpiDivergesWhileKrylovAndDirectSucceed() {
        Tensor q = spd(N, 0.5, 7);
        Var qv = Var.constant(q);
        // alpha = 3 / lambda_max puts an eigenvalue of Phi = I - alpha Q near -2: rho(Phi) > 1.
        double lmax = lambdaMax(q);
        double alpha = 3.0 / lmax;
        Tensor c = Tensor.randn(new SplittableRandom(8), B, N);
        Tensor g = Tensor.randn(new SplittableRandom(9), B, N);
        Tensor exact = LinearAlgebra.solve(qv, Var.constant(g)).value().map(v -> -v);
        FoldOptions base = FoldOptions.defaults().withSpectralRadiusEstimate(true);

        FoldedLayer lfpi = new FoldedLayer(exactSolver(qv), linearStep(qv, alpha),
                base.withSolver(BatchedLinearSolver.LFPI).withOnFailure(FailurePolicy.FLAG));
        Tensor flagged = gradOf(lfpi, c, g);
        assertTrue(flagged.isFinite(), "a diverged instance must not leak NaN or infinity");
        for (InstanceReport r : lfpi.lastReport().instances()) {
            assertEquals(Status.DIVERGED, r.status(), r.toString());
            assertEquals(2.0, r.spectralRadius().orElseThrow(), 0.05, "rho(Phi) = alpha lambda_max - 1 = 2");
        }
        FoldedLayer throwing = new FoldedLayer(exactSolver(qv), linearStep(qv, alpha),
                base.withSolver(BatchedLinearSolver.LFPI));
        BackwardSolveException e = assertThrows(BackwardSolveException.class, () -> gradOf(throwing, c, g));
        assertTrue(e.getMessage().contains("instance 0") && e.getMessage().contains("diverged"), e.getMessage());
        assertEquals(B, e.report().failedInstances().length);

        for (BatchedLinearSolver m : List.of(BatchedLinearSolver.GMRES, BatchedLinearSolver.DIRECT)) {
            FoldedLayer layer = new FoldedLayer(exactSolver(qv), linearStep(qv, alpha), base.withSolver(m));
            Tensor grad = gradOf(layer, c, g);
            assertTrue(relErr(grad, exact) < 1e-9, m + ": " + relErr(grad, exact));
            assertTrue(layer.lastReport().allOk());
        }
    }

    @Test
    void gradientReachesCapturedMatrixAndStepSize() {
        Tensor a0 = spd(N, 0.5, 10);
        double alpha0 = 1.0 / (lambdaMax(a0) + 1.0);
        Tensor c = Tensor.randn(new SplittableRandom(11), B, N);
        Tensor g = Tensor.randn(new SplittableRandom(12), B, N);
        Var a = Var.param(a0);
        Var alpha = Var.param(Tensor.scalar(alpha0));
        Var cv = Var.param(c);
        UpdateMap step = (x, p) -> x.sub(x.matmul(a).add(p[0]).mul(alpha));
        FoldedLayer layer =
                new FoldedLayer(exactSolver(a), step, FoldOptions.defaults().withSolver(BatchedLinearSolver.GMRES));
        Tensor[] folded = Autodiff.vjp(new Var[] {layer.apply(cv)}, new Var[] {cv, a, alpha}, new Tensor[] {g});
        // Reference: differentiate x* = -(A^T)^{-1} c_b directly through the dense solve.
        Var xDirect = LinearAlgebra.solve(a.transpose(), cv).neg();
        Tensor[] direct = Autodiff.vjp(new Var[] {xDirect}, new Var[] {cv, a}, new Tensor[] {g});
        assertTrue(relErr(folded[0], direct[0]) < 1e-9, "dL/dc: " + relErr(folded[0], direct[0]));
        assertTrue(relErr(folded[1], direct[1]) < 1e-9, "dL/dA: " + relErr(folded[1], direct[1]));
        // The fixed point does not depend on the step size: dL/dalpha = 0.
        assertEquals(0.0, folded[2].item(), 1e-10 * folded[1].norm());
    }

    @Test
    void foldedLayerPassesFiniteDifferenceCheck() {
        Tensor q = spd(N, 0.5, 13);
        Var qv = Var.constant(q);
        double alpha = 1.0 / (lambdaMax(q) + 1.0);
        FoldedLayer layer = new FoldedLayer(exactSolver(qv), linearStep(qv, alpha),
                FoldOptions.defaults().withSolver(BatchedLinearSolver.BICGSTAB));
        Tensor c = Tensor.randn(new SplittableRandom(14), B, N);
        GradientCheck.Result r = GradientCheck.check(p -> layer.apply(p[0]), new Tensor[] {c}, 5, 1e-5, 15);
        assertTrue(r.passes(1e-8), "worst relative error " + r.worstRelativeError());
    }

    @Test
    void warmStartReusesThePreviousSolution() {
        Tensor q = spd(80, 0.5, 16);
        Var qv = Var.constant(q);
        double alpha = 1.0 / (lambdaMax(q) + 1.0);
        Tensor c = Tensor.randn(new SplittableRandom(17), B, 80);
        Tensor g = Tensor.randn(new SplittableRandom(18), B, 80);
        FoldedLayer layer = new FoldedLayer(exactSolver(qv), linearStep(qv, alpha),
                FoldOptions.defaults().withSolver(BatchedLinearSolver.LFPI).withWarmStart(true)
                        .withMaxIterations(20000));
        Tensor first = gradOf(layer, c, g);
        int cold = layer.lastReport().maxIterations();
        Tensor second = gradOf(layer, c, g);
        int warm = layer.lastReport().maxIterations();
        assertTrue(cold > 50 && warm <= 1, "cold " + cold + ", warm " + warm);
        assertTrue(relErr(second, first) < 1e-9);
    }

    @Test
    void autoPicksLfpiForContractiveMapsAndGmresOtherwise() {
        int n = 100;
        Tensor q = spd(n, 0.5, 19);
        Var qv = Var.constant(q);
        double lmax = lambdaMax(q);
        Tensor c = Tensor.randn(new SplittableRandom(20), B, n);
        Tensor g = Tensor.randn(new SplittableRandom(21), B, n);
        FoldedLayer slow = new FoldedLayer(exactSolver(qv), linearStep(qv, 1.0 / (lmax + 1.0)), FoldOptions.defaults());
        gradOf(slow, c, g);
        assertEquals("GMRES", slow.lastReport().instances()[0].method());
        assertTrue(slow.lastReport().instances()[0].spectralRadius().isPresent());
        // A Newton step on this quadratic: U(x) = x - (xQ + c) Q^{-1} has Phi = 0.
        Var qInv = LinearAlgebra.solve(qv, Var.constant(Tensor.eye(n)));
        UpdateMap newton = (x, p) -> x.sub(x.matmul(qv).add(p[0]).matmul(qInv));
        FoldedLayer fast = new FoldedLayer(exactSolver(qv), newton, FoldOptions.defaults());
        Tensor grad = gradOf(fast, c, g);
        assertEquals("LFPI", fast.lastReport().instances()[0].method());
        assertTrue(fast.lastReport().maxIterations() <= 2);
        Tensor exact = LinearAlgebra.solve(qv, Var.constant(g)).value().map(v -> -v);
        assertTrue(relErr(grad, exact) < 1e-10);
    }

    @Test
    void badInputsGetClearErrors() {
        Tensor q = spd(N, 0.5, 22);
        Var qv = Var.constant(q);
        UpdateMap step = linearStep(qv, 0.1);
        FoldedLayer layer = new FoldedLayer(exactSolver(qv), step, FoldOptions.defaults());
        double[] bad = Tensor.randn(new SplittableRandom(23), B, N).toArray();
        bad[3 * N + 4] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> layer.apply(Var.param(Tensor.wrap(bad, B, N))));
        assertTrue(nan.getMessage().contains("instance 3"), nan.getMessage());
        bad[3 * N + 4] = Double.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> layer.apply(Var.param(Tensor.wrap(bad, B, N))));

        Var c = Var.param(Tensor.randn(new SplittableRandom(24), B, N));
        Var other = Var.param(Tensor.randn(new SplittableRandom(25), B + 1, N));
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> layer.apply(c, other));
        assertTrue(batch.getMessage().contains("batch size"), batch.getMessage());

        FoldedLayer wrongShape = new FoldedLayer(exactSolver(qv), (x, p) -> x.slice(0, N - 1), FoldOptions.defaults());
        assertThrows(IllegalArgumentException.class, () -> wrongShape.apply(c));

        Var x = layer.apply(c);
        assertThrows(IllegalArgumentException.class,
                () -> Autodiff.vjp(new Var[] {x}, new Var[] {c}, new Tensor[] {Tensor.zeros(B, N + 1)}));

        FoldedLayer limited = new FoldedLayer(exactSolver(qv), step,
                FoldOptions.defaults().withSolver(BatchedLinearSolver.LFPI).withMaxIterations(3));
        Var y = limited.apply(c);
        Tensor g = Tensor.randn(new SplittableRandom(26), B, N);
        BackwardSolveException limit = assertThrows(BackwardSolveException.class,
                () -> Autodiff.vjp(new Var[] {y}, new Var[] {c}, new Tensor[] {g}));
        assertTrue(limit.getMessage().contains("iteration-limit"), limit.getMessage());
        assertEquals(Status.ITERATION_LIMIT, limited.lastReport().instances()[0].status());
    }

    @Test
    void forwardSolutionThatIsNotAFixedPointIsReported() {
        Tensor q = spd(N, 0.5, 27);
        Var qv = Var.constant(q);
        ForwardSolver sloppy = p -> GradMode.noGrad(() -> exactSolver(qv).solve(p)).map(v -> v + 1e-3);
        FoldedLayer layer = new FoldedLayer(sloppy, linearStep(qv, 0.1), FoldOptions.defaults());
        Tensor c = Tensor.randn(new SplittableRandom(28), B, N);
        BackwardSolveException e = assertThrows(BackwardSolveException.class,
                () -> gradOf(layer, c, Tensor.randn(new SplittableRandom(29), B, N)));
        assertTrue(e.getMessage().contains("not a fixed point"), e.getMessage());
    }

    @Test
    void nonFiniteForwardSolutionIsRejected() {
        ForwardSolver broken = p -> Tensor.full(Double.NaN, p[0].shape());
        FoldedLayer layer = new FoldedLayer(broken, (x, p) -> x, FoldOptions.defaults());
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> layer.apply(Var.param(Tensor.zeros(B, N))));
        assertTrue(e.getMessage().contains("instance 0"), e.getMessage());
    }

    @Test
    void evaluationModeRecordsNothing() {
        Tensor q = spd(N, 0.5, 30);
        Var qv = Var.constant(q);
        FoldedLayer layer = new FoldedLayer(exactSolver(qv), linearStep(qv, 0.1), FoldOptions.defaults());
        Var c = Var.param(Tensor.randn(new SplittableRandom(31), B, N));
        Var x = GradMode.noGrad(() -> layer.apply(c));
        assertTrue(!x.requiresGrad() && x.isLeaf());
        assertTrue(relErr(x.value(), layer.apply(c).value()) == 0.0);
    }

    @Test
    void capturedNodeDerivedFromAnotherCapturedNodeIsCountedOnce() {
        // U(x, c) = (x + c + w + 2w) / 2 has the fixed point x* = c + 3w: dx*/dw = 3, dx*/dc = 1.
        Var w = Var.param(Tensor.randn(new SplittableRandom(32), N));
        Var twoW = w.mul(2.0);
        UpdateMap step = (x, p) -> x.add(p[0]).add(w).add(twoW).mul(0.5);
        ForwardSolver exact = p -> io.foldopt.tensor.Kernels.binary(p[0], Kernels.scale(w.value(), 3.0),
                io.foldopt.tensor.Kernels.BinaryOp.ADD);
        FoldedLayer layer = new FoldedLayer(exact, step, FoldOptions.defaults());
        Var c = Var.param(Tensor.randn(new SplittableRandom(33), B, N));
        Tensor g = Tensor.randn(new SplittableRandom(34), B, N);
        Tensor[] grads = Autodiff.vjp(new Var[] {layer.apply(c)}, new Var[] {c, w}, new Tensor[] {g});
        assertTrue(relErr(grads[0], g) < 1e-12, "dL/dc = g");
        Tensor expected = io.foldopt.tensor.Shapes.sumTo(Kernels.scale(g, 3.0), new int[] {N});
        assertTrue(relErr(grads[1], expected) < 1e-12, "dL/dw = 3 sum_b g_b, got " + grads[1]);
    }
}
