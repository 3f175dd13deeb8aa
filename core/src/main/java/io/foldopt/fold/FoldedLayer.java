package io.foldopt.fold;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.FusedVjpPlan;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Var;
import io.foldopt.autodiff.VjpPlan;
import io.foldopt.linalg.BatchSolution;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.InstanceStats;
import io.foldopt.linalg.SpectralRadius;
import io.foldopt.parallel.Parallel;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The folded optimization layer: {@code x*(c)} from any forward solver, differentiated through the
 * fixed-point condition {@code x* = U(x*, c)} of one solver step {@code U}.
 *
 * <p>Forward: solve with graph recording off, then record one application {@code U(x*, c)} with
 * {@code x*} as a fresh leaf. Backward, for the cotangent {@code g = dL/dx*}: solve
 * {@code (I - Phi)^T v = g} per instance, with {@code Phi = dU/dx (x*, c)} applied only through
 * VJPs of that one recorded step, then return {@code (dU/dp)^T v} for every differentiable input
 * {@code p} of the step: the parameters {@code c} and any parameter {@code theta} that {@code U}
 * captures. Memory does not depend on how many iterations the forward solver ran.
 *
 * <p>The VJP of the layer is first order: differentiating its result again (a second-order VJP) throws
 * {@link UnsupportedOperationException}. Under
 * {@link GradMode#noGrad} the layer only runs the forward solver and returns a constant.
 *
 * <p>Inside an {@link Unrolling} scope the layer records unrolled steps of its update instead of the folded node.
 *
 * <p>A layer can be shared by threads: {@link #call} returns each application's own report, while
 * {@link #lastReport()} is only the most recent report of any call.
 */
public final class FoldedLayer implements OptimizationLayer {
    /** Power iterations of the spectral-radius estimate requested by {@link FoldOptions#estimateSpectralRadius}. */
    private static final int RHO_ITERATIONS = 48;
    private static final long RHO_SEED = 0x5eedL;

    private final ForwardSolver solver;
    private final UpdateMap update;
    private final FoldOptions options;
    private final UnaryOperator<Var> readOut;
    private double[] lastV;
    private BackwardReport lastReport;

    /** Creates a layer from a forward solver, the update map whose fixed points it finds, and options. */
    public FoldedLayer(ForwardSolver solver, UpdateMap update, FoldOptions options) {
        this(solver, update, options, UnaryOperator.identity());
    }

    /**
     * Creates a layer whose output is a differentiable read-out {@code out(s*)} of the fixed point {@code s*} (for
     * example the {@code x} block of a state {@code (x, y)}).
     */
    public FoldedLayer(ForwardSolver solver, UpdateMap update, FoldOptions options, UnaryOperator<Var> readOut) {
        this.solver = Objects.requireNonNull(solver, "solver");
        this.update = Objects.requireNonNull(update, "update");
        this.options = Objects.requireNonNull(options, "options");
        this.readOut = Objects.requireNonNull(readOut, "readOut");
    }

    /** @return the options of this layer */
    public FoldOptions options() {
        return options;
    }

    /**
     * @return the report of the most recent backward pass of any call, or null before the first one; use
     *     {@link #call} to get the report of one particular call
     */
    public synchronized BackwardReport lastReport() {
        return lastReport;
    }

    /** @return {@code call(params).output()} */
    @Override
    public Var apply(Var... params) {
        return call(params).output();
    }

    /**
     * Applies the layer: runs the forward solver and records the folded node.
     *
     * @param params the parameters {@code c_i}, each {@code (B, p_i)}
     * @return the output {@code x*(c) (B, n)} (through the read-out, if the layer has one) and, once its backward
     *     pass has run, that pass's report
     */
    public LayerCall call(Var... params) {
        int batch = checkParams(params);
        Tensor[] values = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            values[i] = params[i].value();
        }
        Tensor xStar = GradMode.noGrad(() -> solver.solve(values));
        if (xStar == null || xStar.rank() != 2 || xStar.dim(0) != batch) {
            throw new IllegalStateException("forward solver must return a (" + batch + ", n) tensor, got "
                    + (xStar == null ? "null" : Arrays.toString(xStar.shape())));
        }
        int bad = xStar.firstNonFinite();
        if (bad >= 0) {
            throw new ArithmeticException("forward solver returned a non-finite solution for instance "
                    + bad / xStar.dim(1) + " (coordinate " + bad % xStar.dim(1) + ")");
        }
        if (!GradMode.isEnabled()) {
            return new LayerCall(readOut.apply(Var.constant(xStar)), new AtomicReference<>());
        }
        Unrolling unrolling = Unrolling.active();
        if (unrolling != null) {
            return new LayerCall(readOut.apply(unrolling.unroll(update, xStar, params)), new AtomicReference<>());
        }
        Var xLeaf = Var.param(xStar);
        Var step = GradMode.withGrad(() -> update.apply(xLeaf, params));
        if (!step.value().sameShape(xStar)) {
            throw new IllegalArgumentException("update map returned shape " + Arrays.toString(step.shape())
                    + ", the forward solution has shape " + Arrays.toString(xStar.shape()));
        }
        Var[] boundary = Autodiff.capturedInputs(step, xLeaf);
        Step recorded = new Step(xLeaf, step, boundary, fixedPointResiduals(step.value(), xStar),
                new AtomicReference<>());
        // One linear solve gives the gradients of all boundary inputs.
        Var output = Operation.recordFirstOrder("folded layer", new Tensor[] {xStar}, boundary,
                (g, needsGrad) -> backward(recorded, g[0]))[0];
        return new LayerCall(readOut.apply(output), recorded.report());
    }

    /** Checks that the parameters are finite batches with a common leading dimension. */
    private static int checkParams(Var[] params) {
        if (params.length == 0) {
            throw new IllegalArgumentException("a folded layer needs at least one parameter");
        }
        int batch = -1;
        for (int i = 0; i < params.length; i++) {
            Tensor p = params[i].value();
            if (p.rank() < 1) {
                throw new IllegalArgumentException("parameter " + i + " must have a batch axis, shape is []");
            }
            if (batch >= 0 && p.dim(0) != batch) {
                throw new IllegalArgumentException("parameter " + i + " has batch size " + p.dim(0)
                        + ", parameter 0 has " + batch);
            }
            batch = p.dim(0);
            int bad = p.firstNonFinite();
            if (bad >= 0) {
                int per = p.size() / Math.max(1, batch);
                throw new IllegalArgumentException("parameter " + i + " has a non-finite value ("
                        + p.data()[bad] + ") in instance " + bad / per);
            }
        }
        return batch;
    }

    /**
     * @param step {@code U(x, c)}, shape {@code (B, n)}
     * @param xStar {@code x}, shape {@code (B, n)}
     * @return per instance the fixed-point residual {@code ||U - x|| / max(1, ||x||)} of the rows, the measure that
     *     {@link FoldOptions#fixedPointTolerance()} bounds
     */
    public static double[] fixedPointResiduals(Tensor step, Tensor xStar) {
        int batch = xStar.dim(0);
        int n = xStar.dim(1);
        double[] u = step.data();
        double[] x = xStar.data();
        double[] res = new double[batch];
        for (int b = 0; b < batch; b++) {
            double d = 0;
            double s = 0;
            for (int j = b * n; j < (b + 1) * n; j++) {
                d += (u[j] - x[j]) * (u[j] - x[j]);
                s += x[j] * x[j];
            }
            res[b] = Math.sqrt(d) / Math.max(1.0, Math.sqrt(s));
        }
        return res;
    }

    /** One recorded application of {@code U} at the forward solution, and where its call's report goes. */
    private record Step(Var xLeaf, Var output, Var[] boundary, double[] fixedPointResiduals,
            AtomicReference<BackwardReport> report) {}

    /** Solves {@code (I - Phi)^T v = g} and returns {@code (dU/dp)^T v} for every boundary input. */
    private Tensor[] backward(Step step, Tensor g) {
        long t0 = System.nanoTime();
        int batch = g.dim(0);
        int n = g.dim(1);
        int bad = g.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("cotangent of the folded layer is not finite in instance " + bad / n);
        }
        BatchedOperator a = identityMinusPhiT(step, batch, n);
        double[] guess;
        synchronized (this) {
            guess = options.warmStart() && lastV != null && lastV.length == g.size() ? lastV : null;
        }
        BatchSolution sol = options.solver().solve(a, g.data(), guess, options.solverOptions());
        double[] v = sol.solution();
        double[] rho = null;
        if (options.estimateSpectralRadius()
                && !Arrays.stream(sol.stats()).allMatch(s -> s.spectralRadius().isPresent())) {
            rho = SpectralRadius.estimate(SpectralRadius.identityMinus(a), RHO_ITERATIONS, RHO_SEED);
        }
        InstanceReport[] reports = new InstanceReport[batch];
        for (int b = 0; b < batch; b++) {
            InstanceStats s = sol.stats()[b];
            double fp = step.fixedPointResiduals()[b];
            reports[b] = new InstanceReport(s.method(), s.iterations(), s.relativeResidual(), s.status(), s.detail(),
                    rho == null ? s.spectralRadius() : OptionalDouble.of(rho[b]), fp,
                    fp <= options.fixedPointTolerance());
        }
        if (options.onFailure() == FailurePolicy.THROW && !Arrays.stream(reports).allMatch(InstanceReport::ok)) {
            BackwardReport report = record(step, reports, t0, null);
            throw new BackwardSolveException("folded backward failed for " + report.failedInstances().length + " of "
                    + batch + " instances (tolerance " + options.tolerance() + ", fixed-point tolerance "
                    + options.fixedPointTolerance() + "); " + report.failures(5), report);
        }
        Tensor[] grads = Autodiff.partialPlan(new Var[] {step.output()}, step.boundary())
                .apply(Tensor.wrap(v, batch, n));
        for (int i = 0; i < grads.length; i++) {
            if (!grads[i].isFinite()) {
                throw new ArithmeticException("folded gradient of input " + i + " (shape "
                        + Arrays.toString(grads[i].shape()) + ") is not finite: the VJP of the update map"
                        + " produced NaN or infinity at the forward solution");
            }
        }
        record(step, reports, t0, v);
        return grads;
    }

    /**
     * @return {@code v -> v - Phi^T v} on {@code (batch, n)} arrays: through the fused VJP of the recorded step when
     *     every operation on its path has a fusable form (no allocation per application; restricted to parts of the
     *     batch, for solving them concurrently, when the instances are independent through it), else its compiled
     *     plan
     */
    private static BatchedOperator identityMinusPhiT(Step step, int batch, int n) {
        Optional<FusedVjpPlan> fused = Autodiff.fusedPlan(step.output(), step.xLeaf());
        if (fused.isPresent()) {
            FusedVjpPlan phiT = fused.get();
            BatchedOperator.RowAction action = (from, to, x, y) -> {
                phiT.apply(x == y ? x.clone() : x, y, from, to);
                difference(x, y, y);
            };
            return phiT.instances() == batch ? BatchedOperator.ofRows(batch, n, action)
                    : BatchedOperator.of(batch, n, (x, y) -> action.apply(0, 1, x, y));
        }
        VjpPlan phiT = Autodiff.plan(new Var[] {step.output()}, new Var[] {step.xLeaf()});
        return BatchedOperator.of(batch, n, (x, y) -> {
            difference(x, phiT.apply(Tensor.wrap(x, batch, n))[0].data(), y);
        });
    }

    /** {@code y = x - p} elementwise ({@code p} may be {@code y}), on several threads for long arrays. */
    private static void difference(double[] x, double[] p, double[] y) {
        Parallel.forRanges(y.length, 2, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = x[i] - p[i];
            }
        });
    }

    /** Completes the call's report and the layer's latest report (and solution, if given, for warm starts). */
    private BackwardReport record(Step step, InstanceReport[] reports, long t0, double[] v) {
        BackwardReport report = new BackwardReport(reports, (System.nanoTime() - t0) * 1e-9);
        step.report().set(report);
        synchronized (this) {
            lastReport = report;
            if (v != null) {
                lastV = v;
            }
        }
        return report;
    }
}
