package io.foldopt.fold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.LinearAlgebra;
import io.foldopt.autodiff.Var;
import io.foldopt.linalg.BatchSolution;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.BatchedOperator;
import io.foldopt.linalg.InstanceStats;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.linalg.Vec;
import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Per-call reports of a folded layer shared by threads, reports printed on one line, solvers written by the user,
 * and the validation of the layer's options, on the linear map {@code U(x, c) = x - alpha (x A + c)}.
 */
class LayerCallTest {
    private static final int N = 12;
    private static final Var A = Var.constant(FoldedLayerTest.spd(N, 1.0, 31));
    private static final double ALPHA = 1 / FoldedLayerTest.lambdaMax(A.value());
    private static final UpdateMap STEP = FoldedLayerTest.linearStep(A, ALPHA);

    /**
     * The fixed point {@code -c A^{-1}}, moved off the fixed point by {@code 0.01 (1 + |c_0|)} in coordinate 0 when
     * {@code c_1 < 0}: such calls fail by construction.
     */
    private static final ForwardSolver SOMETIMES_WRONG = p -> {
        Tensor x = FoldedLayerTest.exactSolver(A).solve(p);
        for (int b = 0; b < x.dim(0); b++) {
            if (p[0].get(b, 1) < 0) {
                x.data()[b * N] += 1e-2 * (1 + Math.abs(p[0].get(b, 0)));
            }
        }
        return x;
    };

    /** @return {@code ||U(x, c) - x|| / max(1, ||x||)} of instance 0, computed independently of the layer */
    private static double fixedPointResidual(Tensor x, Tensor c) {
        Tensor u = GradMode.noGrad(() -> STEP.apply(Var.constant(x), new Var[] {Var.constant(c)})).value();
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            d[i] = u.data()[i] - x.data()[i];
        }
        return Vec.norm(d, 0, N) / Math.max(1, Vec.norm(x.data(), 0, N));
    }

    @Test
    void everyCallOfASharedLayerReadsItsOwnReport() throws Exception {
        FoldedLayer layer = new FoldedLayer(SOMETIMES_WRONG, STEP,
                FoldOptions.defaults().withOnFailure(FailurePolicy.FLAG));
        int threads = 4;
        int callsPerThread = 250;
        AtomicInteger failing = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int k = 0; k < callsPerThread; k++) {
                        Tensor c = Tensor.randn(random, 1, N);
                        boolean wrong = c.get(0, 1) < 0;
                        Var cv = Var.param(c);
                        LayerCall call = layer.call(cv);
                        assertTrue(call.report().isEmpty(), "no report before the backward pass");
                        Autodiff.vjp(new Var[] {call.output()}, new Var[] {cv},
                                new Tensor[] {Tensor.randn(random, 1, N)});
                        BackwardReport report = call.report().orElseThrow();
                        InstanceReport r = report.instances()[0];
                        assertEquals(!wrong, report.allOk(), report::toString);
                        assertEquals(!wrong, r.atFixedPoint(), report::toString);
                        assertEquals(Status.OPTIMAL, r.status(), report::toString);
                        double expected = fixedPointResidual(call.output().value(), c);
                        assertEquals(expected, r.fixedPointResidual(), 1e-9 * expected + 1e-15, report::toString);
                        if (wrong) {
                            failing.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        int calls = threads * callsPerThread;
        assertTrue(failing.get() > calls / 4 && failing.get() < 3 * calls / 4, failing + " failing calls");
        assertTrue(layer.lastReport() != null);
    }

    @Test
    void callsWithoutGradientRecordingHaveNoReport() {
        FoldedLayer layer = new FoldedLayer(SOMETIMES_WRONG, STEP, FoldOptions.defaults());
        LayerCall call = GradMode.noGrad(() -> layer.call(Var.param(Tensor.randn(new SplittableRandom(1), 2, N))));
        assertFalse(call.output().requiresGrad());
        assertTrue(call.report().isEmpty());
    }

    @Test
    void reportsPrintAsOneLineSummaries() {
        Tensor c = Tensor.randn(new SplittableRandom(4), 3, N);
        c.data()[N + 1] = -1;
        c.data()[1] = 1;
        c.data()[2 * N + 1] = 1;
        FoldedLayer layer = new FoldedLayer(SOMETIMES_WRONG, STEP, FoldOptions.defaults()
                .withSolver(BatchedLinearSolver.GMRES).withOnFailure(FailurePolicy.FLAG));
        FoldedLayerTest.gradOf(layer, c, Tensor.randn(new SplittableRandom(5), 3, N));
        String line = layer.lastReport().toString();
        assertFalse(line.contains("\n") || line.contains("@"), line);
        assertTrue(line.startsWith("GMRES, 3 instances, iterations mean ") && line.contains("worst residual ")
                && line.contains("1 failed (instance 1: GMRES optimal, ") && line.contains("(not a fixed point)"),
                line);
        String instance = layer.lastReport().instances()[0].toString();
        assertTrue(instance.startsWith("GMRES optimal, ") && instance.contains(" iterations, residual ")
                && !instance.contains("not a fixed point"), instance);
    }

    /** A solver written outside foldopt: damped Richardson {@code v <- v + omega (g - A v)}. */
    private static final class DampedRichardson implements BatchedLinearSolver {
        private final double omega;

        DampedRichardson(double omega) {
            this.omega = omega;
        }

        @Override
        public String name() {
            return "RICHARDSON";
        }

        @Override
        public BatchSolution solve(BatchedOperator a, double[] rhs, double[] initialGuess, SolverOptions options) {
            int batch = a.batch();
            int n = a.dim();
            double[] v = new double[rhs.length];
            double[] r = new double[rhs.length];
            int iterations = 0;
            while (true) {
                a.apply(v, r);
                boolean done = true;
                for (int b = 0; b < batch; b++) {
                    for (int i = b * n; i < (b + 1) * n; i++) {
                        r[i] = rhs[i] - r[i];
                    }
                    done &= Vec.norm(r, b * n, n) <= options.tolerance() * Vec.norm(rhs, b * n, n);
                }
                if (done || iterations == options.maxIterations()) {
                    break;
                }
                Vec.axpy(omega, r, 0, v, 0, v.length);
                iterations++;
            }
            InstanceStats[] stats = new InstanceStats[batch];
            for (int b = 0; b < batch; b++) {
                double relative = Vec.norm(r, b * n, n) / Vec.norm(rhs, b * n, n);
                stats[b] = new InstanceStats(name(), iterations, relative,
                        relative <= options.tolerance() ? Status.OPTIMAL : Status.ITERATION_LIMIT, "");
            }
            return new BatchSolution(v, stats);
        }
    }

    @Test
    void solversWrittenByTheUserWorkInTheLayer() {
        Tensor positive = Tensor.randn(new SplittableRandom(6), 4, N).map(Math::abs);
        Tensor g = Tensor.randn(new SplittableRandom(7), 4, N);
        Tensor exact = LinearAlgebra.solve(A, Var.constant(g)).value().map(v -> -v);

        FoldedLayer richardson = new FoldedLayer(SOMETIMES_WRONG, STEP, FoldOptions.defaults()
                .withSolver(new DampedRichardson(1.0)).withTolerance(1e-11).withMaxIterations(100_000));
        Var cv = Var.param(positive);
        LayerCall call = richardson.call(cv);
        Tensor grad = Autodiff.vjp(new Var[] {call.output()}, new Var[] {cv}, new Tensor[] {g})[0];
        BackwardReport report = call.report().orElseThrow();
        assertTrue(report.allOk() && report.instances()[0].method().equals("RICHARDSON"), report::toString);
        assertTrue(FoldedLayerTest.relErr(grad, exact) < 1e-9, "against -g A^{-1}: "
                + FoldedLayerTest.relErr(grad, exact));

        AtomicInteger solves = new AtomicInteger();
        BatchedLinearSolver wrapper = new BatchedLinearSolver() {
            @Override
            public BatchSolution solve(BatchedOperator a, double[] rhs, double[] guess, SolverOptions options) {
                solves.incrementAndGet();
                return BatchedLinearSolver.BICGSTAB.solve(a, rhs, guess, options);
            }

            @Override
            public String name() {
                return "COUNTED";
            }
        };
        FoldedLayer wrapped = new FoldedLayer(SOMETIMES_WRONG, STEP, FoldOptions.defaults().withSolver(wrapper)
                .withTolerance(1e-12));
        Tensor viaWrapper = FoldedLayerTest.gradOf(wrapped, positive, g);
        assertEquals(1, solves.get());
        assertEquals("BICGSTAB", wrapped.lastReport().instances()[0].method());
        assertTrue(FoldedLayerTest.relErr(viaWrapper, exact) < 1e-9);
    }

    @Test
    void tolerancesOutsideTheUnitIntervalAreRefused() {
        for (double bad : new double[] {1e300, 1, 0, -1e-8, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FoldOptions.defaults().withTolerance(bad));
            assertTrue(e.getMessage().startsWith("tolerance must be a relative tolerance in (0, 1)"),
                    e.getMessage());
            IllegalArgumentException fp = assertThrows(IllegalArgumentException.class,
                    () -> FoldOptions.defaults().withFixedPointTolerance(bad));
            assertTrue(fp.getMessage().startsWith("fixedPointTolerance must be"), fp.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> FoldOptions.defaults().withMaxIterations(0));
        assertThrows(NullPointerException.class, () -> FoldOptions.defaults().withSolver(null));
    }
}
