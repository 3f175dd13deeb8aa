package io.foldopt.cli.bench;

import io.foldopt.algorithms.PrimalDualHybridGradient;
import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.OptimizationLayer;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.Gmres;
import io.foldopt.parallel.CpuClock;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The measurements of {@code foldopt bench scale}: for each problem ({@link ScaleProblem}) and size {@code n}, one
 * forward solve, then the folded backward of {@code L = <g, x*(c)>} (random seeded {@code g}) by each iterative
 * method and by unrolling {@code K} steps, each with its time, iterations, peak heap and the directional
 * finite-difference error of {@code dL/dc}.
 *
 * <p>Directional check: for a seeded random direction {@code d} on a patch of {@code c}
 * ({@link ScaleProblem#checkDirection}), {@code <dL/dc, d>} against {@code (L(c + h d) - L(c - h d)) / (2 h)}, with
 * {@code h d} a relative change {@code epsilon} of {@code c} on the patch and the two extra forward solves to the
 * check's tolerance; for PDHG, two runs from the solution at {@code c} (solved to the check's tolerance) with the
 * same number of steps, so that the error they share cancels in the difference; the relative error is {@code |analytic - numeric| / |numeric|}. The solution maps are piecewise
 * linear (the active set of the clip or of the constraints changes at kinks), so the central difference is exact
 * between kinks and wrong across one: a direction on all of {@code c} crosses a number of kinks that grows with
 * {@code n}, a patch of fixed size does not. Peak heap: the sum of the peak usages of the heap memory pools
 * (memory MX beans), reset after a forced GC before each row; it includes the problem and the forward solution.
 * An unrolled depth that runs out of memory is reported once and not run at larger sizes.
 */
public final class ScaleBenchmark {
    /** GMRES's restart length: {@code restart + 1} Krylov vectors of the state's size are kept. */
    public static final int RESTART = 20;
    /** The folded backward methods by name, in row order. */
    public static final Map<String, BatchedLinearSolver> METHODS = Map.of("gmres", new Gmres(RESTART), "bicgstab",
            BatchedLinearSolver.BICGSTAB, "lfpi", BatchedLinearSolver.LFPI);
    /** Steps per block of the lockstep runs of the directional check (PDHG). */
    public static final int LOCKSTEP_BLOCK = 100;
    /** Most blocks of the lockstep runs. */
    public static final int LOCKSTEP_MAX_BLOCKS = 200;
    /** Largest state dimension at which the DIRECT backward (a dense Jacobian) is also run. */
    public static final int DIRECT_MAX_STATE = 2000;

    private ScaleBenchmark() {}

    /**
     * What to run.
     *
     * @param sizes the numbers of variables {@code n}, each at least 4
     * @param problems {@code tv} and/or {@code qp}
     * @param seed seed of the problems, the cotangent and the direction
     * @param tolerance relative residual of the backward solves
     * @param forwardTolerance fixed-point tolerance of the forward solves
     * @param epsilon relative change of {@code c} on the check's patch (the finite difference's step)
     * @param maxIterations iteration limit of each backward solve
     * @param methods the folded backward methods ({@code gmres, bicgstab, lfpi}), in row order
     * @param unrolledSteps the unrolling depths {@code K}, in row order (may be empty)
     * @param checkTolerance fixed-point tolerance of the forward solves of the directional check
     */
    public record Config(int[] sizes, List<String> problems, long seed, double tolerance, double forwardTolerance,
            double epsilon, int maxIterations, List<String> methods, List<Integer> unrolledSteps,
            double checkTolerance) {
        /** Validates the settings. */
        public Config {
            for (String m : methods) {
                if (!METHODS.containsKey(m)) {
                    throw new IllegalArgumentException("unknown method '" + m + "' (expected gmres, bicgstab or lfpi)");
                }
            }
            for (int k : unrolledSteps) {
                if (k < 1) {
                    throw new IllegalArgumentException("unrolling depths must be >= 1, got " + k);
                }
            }
            if (!(checkTolerance > 0 && checkTolerance < 1)) {
                throw new IllegalArgumentException("the check's forward tolerance must be in (0, 1), got "
                        + checkTolerance);
            }
            for (int n : sizes) {
                if (n < 4) {
                    throw new IllegalArgumentException("sizes must be >= 4, got " + n);
                }
            }
            for (String p : problems) {
                if (!p.equals("tv") && !p.equals("qp")) {
                    throw new IllegalArgumentException("unknown problem '" + p + "' (expected tv or qp)");
                }
            }
            if (!(tolerance > 0 && tolerance < 1) || !(forwardTolerance > 0 && forwardTolerance < 1)
                    || !(epsilon > 0 && epsilon < 1)) {
                throw new IllegalArgumentException("tolerances and epsilon must be in (0, 1), got " + tolerance + ", "
                        + forwardTolerance + ", " + epsilon);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("the iteration limit must be >= 1, got " + maxIterations);
            }
        }
    }

    /**
     * One row of the result.
     *
     * @param problem {@code tv} or {@code qp}
     * @param n the number of variables
     * @param method {@code gmres, bicgstab, lfpi, direct} or {@code unrolled-K}
     * @param iterations backward iterations ({@code K} when unrolled; 0 when not run)
     * @param forwardSeconds the forward solve (folded) or the recording of {@code K} steps (unrolled)
     * @param backwardSeconds the VJP, wall clock
     * @param backwardCpuSeconds the VJP, CPU time of the process (all threads): the work, whatever the load
     * @param peakHeapBytes peak heap during the row
     * @param directionalRelError relative error of {@code <dL/dc, d>} against the central difference
     * @param relErrorVsDirect {@code ||dL/dc - dL/dc_direct|| / ||dL/dc_direct||} where DIRECT ran and converged,
     *     NaN otherwise
     * @param converged whether the backward solve converged (null for unrolling, false when not run)
     * @param loadAverage the system's load average over the last minute when the row was measured
     * @param note why a row did not run, or empty
     */
    public record Row(String problem, int n, String method, int iterations, double forwardSeconds,
            double backwardSeconds, double backwardCpuSeconds, long peakHeapBytes, double directionalRelError,
            double relErrorVsDirect, Boolean converged, double loadAverage, String note) {}

    /** Runs every problem at every size; each row is passed to {@code progress} as it is measured. */
    public static List<Row> run(Config config, Consumer<Row> progress) {
        List<Row> rows = new ArrayList<>();
        Set<String> outOfMemory = new HashSet<>();
        for (String name : config.problems()) {
            for (int n : config.sizes()) {
                ScaleProblem problem = name.equals("tv") ? ScaleProblem.totalVariation(n, config.seed())
                        : ScaleProblem.sparseQp(n, config.seed());
                measure(problem, config, outOfMemory, r -> {
                    rows.add(r);
                    progress.accept(r);
                });
            }
        }
        return rows;
    }

    private static void measure(ScaleProblem problem, Config config, Set<String> outOfMemory, Consumer<Row> rows) {
        Tensor[] params = problem.params();
        Tensor c = params[0];
        SplittableRandom rng = new SplittableRandom(config.seed() + 1);
        ForwardSolver solver = problem.algorithm().solver(config.forwardTolerance(), 1_000_000);
        long t0 = System.nanoTime();
        Tensor state = GradMode.noGrad(() -> solver.solve(params));
        double forwardSeconds = (System.nanoTime() - t0) * 1e-9;
        int n = problem.n();
        Tensor g = Tensor.randn(rng, 1, n);
        Tensor direction = problem.checkDirection(rng);
        double onPatch = 0;
        for (int i = 0; i < c.size(); i++) {
            onPatch += direction.data()[i] != 0 ? c.data()[i] * c.data()[i] : 0;
        }
        double eps = config.epsilon() * Math.max(1.0, Math.sqrt(onPatch)) / direction.norm();
        double numeric;
        if (problem.algorithm() instanceof PrimalDualHybridGradient pdhg) {
            Tensor base = GradMode.noGrad(() -> pdhg.solver(config.checkTolerance(), 1_000_000, state).solve(params));
            numeric = lockstepDifference(problem, pdhg, base, params, direction, eps, g);
        } else {
            ForwardSolver check = problem.algorithm().solver(config.checkTolerance(), 1_000_000);
            numeric = (loss(problem, check, shifted(params, direction, eps), g)
                    - loss(problem, check, shifted(params, direction, -eps), g)) / (2 * eps);
        }
        ForwardSolver cached = p -> p[0].data() == c.data() ? state : solver.solve(p);
        List<BatchedLinearSolver> methods = new ArrayList<>();
        if (state.dim(1) <= DIRECT_MAX_STATE) {
            methods.add(BatchedLinearSolver.DIRECT);
        }
        config.methods().forEach(name -> methods.add(METHODS.get(name)));
        Tensor direct = null;
        for (BatchedLinearSolver method : methods) {
            FoldOptions options = FoldOptions.defaults().withSolver(method).withTolerance(config.tolerance())
                    .withMaxIterations(config.maxIterations()).withOnFailure(FailurePolicy.FLAG);
            FoldedLayer layer = new FoldedLayer(cached, problem.algorithm().updateMap(), options);
            Measurement m = backward(problem, layer, g, direction);
            BackwardReport report = layer.lastReport();
            if (method == BatchedLinearSolver.DIRECT && report.allOk()) {
                direct = m.gradient();
            }
            rows.accept(new Row(problem.name(), n, method.name().toLowerCase(Locale.ROOT), report.maxIterations(),
                    forwardSeconds, m.seconds(), m.cpuSeconds(), m.peakHeap(), relError(m.directional(), numeric),
                    relErrorVs(m.gradient(), direct), report.allOk(), loadAverage(), ""));
        }
        for (int steps : config.unrolledSteps()) {
            String key = problem.name() + "/" + steps;
            String method = "unrolled-" + steps;
            if (outOfMemory.contains(key)) {
                rows.accept(new Row(problem.name(), n, method, 0, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN,
                        Double.NaN, false, loadAverage(), "not run: out of memory at a smaller n"));
                continue;
            }
            try {
                int dim = state.dim(1);
                UnrolledLayer layer = new UnrolledLayer(problem.algorithm().updateMap(),
                        p -> Tensor.zeros(1, dim), steps);
                Measurement m = backward(problem, layer, g, direction);
                rows.accept(new Row(problem.name(), n, method, steps, m.forwardSeconds(), m.seconds(), m.cpuSeconds(),
                        m.peakHeap(), relError(m.directional(), numeric), relErrorVs(m.gradient(), direct), null,
                        loadAverage(), ""));
            } catch (OutOfMemoryError e) {
                outOfMemory.add(key);
                rows.accept(new Row(problem.name(), n, method, 0, Double.NaN, Double.NaN, Double.NaN, maxHeap(),
                        Double.NaN, Double.NaN, false, loadAverage(),
                        "out of memory (max heap " + maxHeap() / (1 << 20) + " MiB)"));
            }
        }
    }

    private record Measurement(double forwardSeconds, double seconds, double cpuSeconds, long peakHeap,
            double directional, Tensor gradient) {}

    /** Runs the layer forward and the VJP of {@code <g, x*>} to {@code c}, measuring time and peak heap. */
    private static Measurement backward(ScaleProblem problem, OptimizationLayer layer, Tensor g, Tensor direction) {
        resetPeaks();
        Var[] params = new Var[problem.params().length];
        for (int i = 0; i < params.length; i++) {
            params[i] = i == 0 ? Var.param(problem.params()[0]) : Var.constant(problem.params()[i]);
        }
        long t0 = System.nanoTime();
        Var x = problem.algorithm().output(layer.apply(params));
        long t1 = System.nanoTime();
        long cpu0 = CpuClock.processNanos();
        Tensor grad = Autodiff.vjp(new Var[] {x}, new Var[] {params[0]}, new Tensor[] {g})[0];
        long t2 = System.nanoTime();
        long cpu1 = CpuClock.processNanos();
        long peak = peakHeap();
        double directional = 0;
        for (int i = 0; i < grad.size(); i++) {
            directional += grad.data()[i] * direction.data()[i];
        }
        return new Measurement((t1 - t0) * 1e-9, (t2 - t1) * 1e-9, (cpu1 - cpu0) * 1e-9, peak, directional,
                grad);
    }

    /**
     * @return {@code (L(c + h d) - L(c - h d)) / (2 h)} from PDHG runs at {@code c +- h d} that both start at the
     *     solution {@code base} at {@code c} and take the same number of steps, in blocks of {@link #LOCKSTEP_BLOCK},
     *     until the difference changes by at most {@code 1e-10} of itself from one block to the next (at most
     *     {@link #LOCKSTEP_MAX_BLOCKS} blocks): the error that both runs share cancels
     */
    private static double lockstepDifference(ScaleProblem problem, PrimalDualHybridGradient pdhg, Tensor base,
            Tensor[] params, Tensor direction, double h, Tensor g) {
        Tensor[] plusParams = shifted(params, direction, h);
        Tensor[] minusParams = shifted(params, direction, -h);
        Tensor plus = base;
        Tensor minus = base;
        double previous = Double.NaN;
        double difference = Double.NaN;
        for (int k = 0; k < LOCKSTEP_MAX_BLOCKS; k++) {
            plus = pdhg.iterate(plus, plusParams, LOCKSTEP_BLOCK);
            minus = pdhg.iterate(minus, minusParams, LOCKSTEP_BLOCK);
            difference = (dot(problem, g, plus) - dot(problem, g, minus)) / (2 * h);
            if (Math.abs(difference - previous) <= 1e-10 * Math.abs(difference)) {
                break;
            }
            previous = difference;
        }
        return difference;
    }

    /** @return {@code <g, x>} for the read-out {@code x} of a state */
    private static double dot(ScaleProblem problem, Tensor g, Tensor state) {
        Tensor x = GradMode.noGrad(() -> problem.algorithm().output(Var.constant(state)).value());
        double s = 0;
        for (int i = 0; i < x.size(); i++) {
            s += g.data()[i] * x.data()[i];
        }
        return s;
    }

    /** @return {@code <g, x*(params)>} by a forward solve */
    private static double loss(ScaleProblem problem, ForwardSolver solver, Tensor[] params, Tensor g) {
        return dot(problem, g, GradMode.noGrad(() -> solver.solve(params)));
    }

    /** @return the parameters with {@code c + eps d} in place of {@code c} */
    private static Tensor[] shifted(Tensor[] params, Tensor direction, double eps) {
        Tensor[] out = params.clone();
        double[] c = params[0].data();
        double[] v = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            v[i] = c[i] + eps * direction.data()[i];
        }
        out[0] = Tensor.wrap(v, params[0].shape());
        return out;
    }

    /** @return {@code ||a - b|| / ||b||}, or NaN without {@code b} */
    private static double relErrorVs(Tensor a, Tensor b) {
        if (b == null) {
            return Double.NaN;
        }
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            d += Math.pow(a.data()[i] - b.data()[i], 2);
        }
        return Math.sqrt(d) / Math.max(b.norm(), Double.MIN_NORMAL);
    }

    private static double relError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(Math.abs(numeric), Double.MIN_NORMAL);
    }


    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** @return the system load average over the last minute, or NaN where the system does not give it */
    public static double loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }

    /** @return the JVM's maximum heap in bytes */
    public static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * @return the least-squares slope of {@code log y} against {@code log x} over the points with positive finite
     *     {@code y}, or NaN with fewer than two
     */
    public static double fittedExponent(double[] x, double[] y) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (y[i] > 0 && Double.isFinite(y[i])) {
                double lx = Math.log(x[i]);
                double ly = Math.log(y[i]);
                sx += lx;
                sy += ly;
                sxx += lx * lx;
                sxy += lx * ly;
                k++;
            }
        }
        if (k < 2) {
            return Double.NaN;
        }
        return (k * sxy - sx * sy) / (k * sxx - sx * sx);
    }
}
