package io.foldopt.cli.bench;

import static io.foldopt.cli.MemoryBudget.plus;
import static io.foldopt.cli.MemoryBudget.times;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.OptimizationLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.problems.BoxNonconvexQp;
import io.foldopt.tensor.GemmBackend;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The measurements of {@code foldopt bench backward} on an {@link AnchorSetup}: for each backward
 * method of the folded layer, and for unrolling {@link #UNROLLED_STEPS} steps, the forward and
 * backward wall-clock times, the iterations, and the relative error of the gradient
 * {@code (d x* / d c)^T g} against that of the direct method.
 *
 * <p>Each row runs its forward and backward {@value #WARMUP_RUNS} times to warm up (the JIT compiles the kernels
 * on the same cores meanwhile) and then {@code repeat} times; the
 * times reported are the medians of those runs, the gradient and iterations the last run's. A folded
 * row's forward is the black-box solve plus the recording of one step; an unrolled row's forward is
 * the recording of its {@code K} steps from {@code x = 0}.
 */
public final class BackwardBenchmark {
    /** The folded backward methods, in row order. */
    public static final List<BatchedLinearSolver> METHODS =
            List.of(BatchedLinearSolver.LFPI, BatchedLinearSolver.GMRES, BatchedLinearSolver.BICGSTAB,
                    BatchedLinearSolver.DIRECT);
    /** Untimed runs of a row before its timed ones. */
    public static final int WARMUP_RUNS = 10;
    /** The unrolling depths {@code K} compared with the folded layer, in row order. */
    public static final List<Integer> UNROLLED_STEPS = List.of(100, 1000);

    private BackwardBenchmark() {}

    /**
     * What to run.
     *
     * @param n dimension of the problem
     * @param batch number of instances
     * @param seed seed of the problem, parameters and cotangent
     * @param tolerance relative residual tolerance of the backward solves
     * @param repeat timed runs per row, after the warm-up runs
     */
    public record Config(int n, int batch, long seed, double tolerance, int repeat) {
        /** Validates the settings. */
        public Config {
            requirePositive("n", n);
            requirePositive("batch", batch);
            requirePositive("repeat", repeat);
            if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
                throw new IllegalArgumentException("tolerance must be positive and finite, got " + tolerance);
            }
        }
    }

    /** @return the row names in order: the folded methods, then {@code unrolled-K} for each depth */
    public static List<String> methodNames() {
        List<String> names = new ArrayList<>();
        for (BatchedLinearSolver m : METHODS) {
            names.add(m.name().toLowerCase(Locale.ROOT));
        }
        for (int steps : UNROLLED_STEPS) {
            names.add("unrolled-" + steps);
        }
        return names;
    }

    /**
     * One row of the result.
     *
     * @param method {@code lfpi, gmres, bicgstab, direct} or {@code unrolled-K}
     * @param n dimension of the problem
     * @param batch number of instances
     * @param iterations largest number of backward iterations over the batch; {@code K} when unrolled
     * @param backwardSeconds median wall-clock seconds of the VJP
     * @param forwardSeconds median wall-clock seconds of the forward pass
     * @param relErrorVsDirect {@code ||grad - grad_direct|| / ||grad_direct||} over the whole batch
     * @param converged whether every instance's backward solve converged at a fixed point; null for
     *     unrolling, which has no convergence criterion
     * @param backend the dense product backend the row ran on ({@code java}, {@code openblas})
     * @param backwardCpuSeconds median CPU seconds of the VJP, summed over the JVM's Java threads
     * @param backwardFlops floating-point operations of the dense products of one VJP (counted, not estimated)
     */
    public record Row(String method, int n, int batch, int iterations, double backwardSeconds,
            double forwardSeconds, double relErrorVsDirect, Boolean converged, String backend,
            double backwardCpuSeconds, long backwardFlops) {
        /** @return the dense products' rate in GFLOP/s over the VJP's wall time */
        public double gflops() {
            return backwardFlops / backwardSeconds / 1e9;
        }
    }

    /**
     * Tensors of shape {@code (batch, n)} per unrolled step alive at the peak of the unrolled backward pass (the
     * recorded graph and its cotangents), measured: {@code --n 200 --batch 32} runs in a 700 MB heap, not in 470 MB.
     */
    static final int TENSORS_PER_UNROLLED_STEP = 14;

    /**
     * @return an upper estimate of the peak memory in bytes: the problem ({@code 2 n^2} doubles while it is
     *     drawn), then the larger of the direct method's {@code batch n^2} matrix entries and the deepest unrolled
     *     graph's {@code 14 K batch n} entries; saturates at {@link Long#MAX_VALUE}
     */
    public static long estimatedBytes(long n, long batch) {
        long square = times(n, n);
        long direct = times(batch, square);
        long unrolled = times(times(UNROLLED_STEPS.get(UNROLLED_STEPS.size() - 1), TENSORS_PER_UNROLLED_STEP),
                times(batch, n));
        return times(8, plus(Math.max(direct, unrolled), plus(times(2, square), times(4, times(batch, n)))));
    }

    /** @return the length of the longest array the run allocates: the direct method's {@code batch n^2} */
    public static long longestArray(long n, long batch) {
        return times(batch, times(n, n));
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    private record Timing(double forwardSeconds, double backwardSeconds, double backwardCpuSeconds, long flops,
            Tensor gradient) {}

    private record Measured(String method, int iterations, Timing timing, Boolean converged) {}

    /**
     * The measurements of one problem on one backend.
     *
     * @param setup the problem, parameters and cotangent
     * @param solution the forward solution {@code x*}
     * @param direct the gradient of the direct method, the reference of the error column
     * @param rows the rows of the methods asked for
     */
    public record Result(AnchorSetup setup, Tensor solution, Tensor direct, List<Row> rows) {}

    /** @return one row per folded method and then per unrolling depth, in the order of the lists above */
    public static List<Row> run(Config config) {
        return run(config, methodNames(), Kernels.backend()).rows();
    }

    /**
     * @param config what to run
     * @param methods the rows to measure, names from {@link #methodNames()}; the direct method runs once as the
     *     reference even when it is not among them
     * @param backend the dense product backend to run on
     * @return the rows of {@code methods}, in the order of {@link #methodNames()}
     */
    public static Result run(Config config, List<String> methods, GemmBackend backend) {
        for (String m : methods) {
            if (!methodNames().contains(m)) {
                throw new IllegalArgumentException("unknown method '" + m + "', expected one of " + methodNames());
            }
        }
        return Kernels.withBackend(backend, () -> measure(config, methods, backend.name()));
    }

    private static Result measure(Config config, List<String> methods, String backend) {
        AnchorSetup setup = AnchorSetup.create(config.n(), config.batch(), config.seed());
        Tensor solution = GradMode.noGrad(() -> setup.solver().solve(new Tensor[] {setup.c()}));
        List<Measured> measured = new ArrayList<>();
        Tensor direct = null;
        for (BatchedLinearSolver method : METHODS) {
            String name = method.name().toLowerCase(Locale.ROOT);
            boolean wanted = methods.contains(name);
            if (!wanted && method != BatchedLinearSolver.DIRECT) {
                continue;
            }
            FoldedLayer layer = setup.folded(method, config.tolerance());
            Timing timing = time(layer, setup, wanted ? config.repeat() : 0);
            BackwardReport report = layer.lastReport();
            if (method == BatchedLinearSolver.DIRECT) {
                direct = timing.gradient();
            }
            if (wanted) {
                measured.add(new Measured(name, report.maxIterations(), timing, report.allOk()));
            }
        }
        for (int steps : UNROLLED_STEPS) {
            if (methods.contains("unrolled-" + steps)) {
                measured.add(new Measured("unrolled-" + steps, steps, time(setup.unrolled(steps), setup,
                        config.repeat()), null));
            }
        }
        Tensor reference = direct;
        List<Row> rows = measured.stream()
                .map(m -> new Row(m.method(), config.n(), config.batch(), m.iterations(),
                        m.timing().backwardSeconds(), m.timing().forwardSeconds(),
                        relativeError(m.timing().gradient(), reference), m.converged(), backend,
                        m.timing().backwardCpuSeconds(), m.timing().flops()))
                .toList();
        return new Result(setup, solution, direct, rows);
    }

    /**
     * Runs the layer's forward and backward {@value #WARMUP_RUNS} times to warm up, then {@code repeat} timed times
     * (none: one untimed run, for its gradient only), with the flops of the backward's dense products
     * ({@link Kernels#productFlops()}).
     */
    private static Timing time(OptimizationLayer layer, AnchorSetup setup, int repeat) {
        double[] forward = new double[Math.max(1, repeat)];
        double[] backward = new double[Math.max(1, repeat)];
        double[] cpu = new double[Math.max(1, repeat)];
        long flops = 0;
        Tensor gradient = null;
        for (int run = repeat > 0 ? -WARMUP_RUNS : -1; run < repeat; run++) {
            Var c = Var.param(setup.c());
            long t0 = System.nanoTime();
            Var x = layer.apply(c);
            long flops0 = Kernels.productFlops();
            long cpu0 = javaThreadsCpuNanos();
            long t1 = System.nanoTime();
            gradient = setup.gradient(x, c);
            long t2 = System.nanoTime();
            long cpu1 = javaThreadsCpuNanos();
            flops = Kernels.productFlops() - flops0;
            if (run >= 0) {
                forward[run] = (t1 - t0) * 1e-9;
                backward[run] = (t2 - t1) * 1e-9;
                cpu[run] = (cpu1 - cpu0) * 1e-9;
            }
        }
        return new Timing(median(forward), median(backward), median(cpu), flops, gradient);
    }

    /**
     * @return the CPU time in nanoseconds of the JVM's live Java threads (the caller and the worker pool; not the
     *     JIT compiler or the garbage collector), at nanosecond resolution where the process clock has 10 ms
     */
    private static long javaThreadsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            sum += Math.max(0, threads.getThreadCpuTime(id));
        }
        return sum;
    }

    /**
     * Writes the data of a PyTorch comparison: one JSON header line {@code {"n", "batch", "step", "lower",
     * "upper"}}, then {@code Q}, {@code c}, the cotangent, {@code x*} and the direct gradient as little-endian
     * float64 arrays (the format {@code bench/python/anchor_backward.py} reads).
     */
    public static void writeComparisonData(Result result, Path file) throws IOException {
        AnchorSetup s = result.setup();
        BoxNonconvexQp p = s.problem();
        String header = String.format(Locale.ROOT,
                "{\"n\":%d,\"batch\":%d,\"step\":%s,\"lower\":%s,\"upper\":%s}%n", s.n(), s.batch(),
                Double.toString(p.step()), Double.toString(p.lower()), Double.toString(p.upper()));
        Tensor[] arrays = {p.q(), s.c(), s.cotangent(), result.solution(), result.direct()};
        int count = 0;
        for (Tensor t : arrays) {
            count += t.size();
        }
        ByteBuffer buf = ByteBuffer.allocate(8 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : arrays) {
            for (double v : t.data()) {
                buf.putDouble(v);
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header.getBytes(StandardCharsets.UTF_8));
            out.write(buf.array());
        }
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : 0.5 * (s[mid - 1] + s[mid]);
    }

    /** @return {@code ||a - b|| / ||b||}, and 0 when {@code a} equals {@code b} */
    private static double relativeError(Tensor a, Tensor b) {
        double[] x = a.data();
        double[] y = b.data();
        double diff = 0;
        for (int i = 0; i < x.length; i++) {
            diff += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return diff == 0 ? 0 : Math.sqrt(diff) / b.norm();
    }
}
