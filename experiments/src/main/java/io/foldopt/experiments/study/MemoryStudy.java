package io.foldopt.experiments.study;

import com.sun.management.ThreadMXBean;
import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.report.Charts;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.OptimizationLayer;
import io.foldopt.fold.UnrolledLayer;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.Gmres;
import io.foldopt.status.FailurePolicy;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * {@code memory}: heap and time of the folded layer against unrolling {@code K = 10, 100, 1000} steps from zero, as
 * the problem ({@code n}) and the batch grow, on two of the experiments' layers: the denoising experiment's dual
 * proximal gradient for total-variation denoising ({@code n} samples; {@code n = 25, 50, 100} small, 100 to 800 at
 * paper size) and the nonconvex-qp experiment's projected gradient through the QP projection ({@code n} variables,
 * {@code 3n/10} equalities and inequalities, SQP forward; {@code n = 10, 20} small, 25, 50, 100 at paper size,
 * since every unrolled step solves a QP); batches 4 and 16 small, 8 and 32 at paper size.
 *
 * <p>Measured per configuration, in this JVM: the heap the recorded graph retains after the forward pass (used heap
 * after a full collection, minus the same before it), the bytes allocated by all threads during the backward pass,
 * the peak heap (the sum of the heap pools' peaks since the start of the forward pass, an upper bound), forward and
 * backward wall-clock time, and the gradient's relative error against the folded gradient with a DIRECT backward.
 * The folded layer runs with GMRES(30) and with DIRECT. A configuration whose unrolled graph would, by the retained
 * bytes per step, instance and unknown measured so far, take more than a quarter of the maximum heap is not run and
 * is reported as such, with the size at which unrolling runs out of the heap.
 *
 * <p>Files: {@code memory.csv} and {@code memory_LAYER.png} (retained heap against {@code n} at the largest batch).
 */
public final class MemoryStudy implements Study {
    /** Unrolled steps. */
    static final int[] STEPS = {10, 100, 1000};
    private static final double MB = 1024.0 * 1024.0;

    /** The layers' names. */
    static final String DENOISING = "denoising/dpg";
    static final String NONCONVEX_QP = "nonconvex-qp/pgd";

    /**
     * A layer of the study and its problem sizes.
     *
     * @param make the layer at {@code n} and the batch
     * @param small the sizes {@code n} of the small setting
     * @param paper the sizes {@code n} at paper size
     */
    private record Layer(IntFunction<IntFunction<Unrollable>> make, int[] small, int[] paper) {}

    private final int[] smallSizes;
    private final int[] smallBatches;

    /** Creates the study with the sizes and batches of each layer named in the class description. */
    public MemoryStudy() {
        this(null, new int[] {4, 16});
    }

    /**
     * Creates the study with these problem sizes (null: each layer's own) and batches for the small setting.
     */
    MemoryStudy(int[] smallSizes, int[] smallBatches) {
        this.smallSizes = smallSizes == null ? null : smallSizes.clone();
        this.smallBatches = smallBatches.clone();
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String description() {
        return "heap (retained graph, backward allocation, peak) and time of folded vs unrolled K = 10, 100, 1000 as n"
                + " and the batch grow, on the denoising and nonconvex-qp layers";
    }

    @Override
    public StudyResult run(StudyConfig config) throws IOException {
        boolean small = config.small();
        int[] batches = small ? smallBatches : new int[] {8, 32};
        Map<String, Layer> layers = new LinkedHashMap<>();
        layers.put(DENOISING, new Layer(n -> b -> Unrollable.denoisingDpg(n, b, config.seed()),
                new int[] {25, 50, 100}, new int[] {100, 200, 400, 800}));
        layers.put(NONCONVEX_QP, new Layer(n -> b -> Unrollable.nonconvexQp(n, b,
                new SplittableRandom(config.seed())), new int[] {10, 20}, new int[] {25, 50, 100}));
        StudyTask.checkNames(config, List.copyOf(layers.keySet()));
        StudyTable table = new StudyTable("heap and time by layer, n, batch and method", "layer", "n", "batch",
                "method", "forward_ms", "backward_ms", "retained_mb", "backward_alloc_mb", "peak_heap_mb",
                "gradient_error", "note");
        List<String> findings = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        long maxHeap = Runtime.getRuntime().maxMemory();
        for (var layer : layers.entrySet()) {
            if (!config.selects(layer.getKey())) {
                continue;
            }
            int[] sizes = !small ? layer.getValue().paper()
                    : smallSizes == null ? layer.getValue().small() : smallSizes;
            warmUp(layer.getValue().make().apply(sizes[0]).apply(batches[0]));
            double bytesPerUnit = 0;
            Map<String, double[]> retainedAtLargestBatch = new LinkedHashMap<>();
            String limit = null;
            for (int n : sizes) {
                for (int batch : batches) {
                    Unrollable u = layer.getValue().make().apply(n).apply(batch);
                    Tensor xStar = u.solver().solve(new Tensor[] {u.params()});
                    Tensor w = Tensor.randn(new SplittableRandom(config.seed() + n), u.readOut()
                            .apply(Var.constant(xStar)).shape());
                    FoldOptions options = FoldOptions.defaults().withOnFailure(FailurePolicy.FLAG);
                    Measure reference = measure(new FoldedLayer(u.solver(), u.update(),
                            options.withSolver(BatchedLinearSolver.DIRECT)), u, w);
                    List<String> methods = new ArrayList<>(List.of("folded (GMRES(30))", "folded (DIRECT)"));
                    List<Measure> results = new ArrayList<>(List.of(measure(new FoldedLayer(u.solver(), u.update(),
                            options.withSolver(new Gmres(30))), u, w), reference));
                    for (int k : STEPS) {
                        String method = "unrolled K = " + k;
                        double projected = bytesPerUnit * k * batch * n;
                        if (projected > maxHeap / 4.0) {
                            table.add(layer.getKey(), n, batch, method, Double.NaN, Double.NaN, projected / MB,
                                    Double.NaN, Double.NaN, Double.NaN, String.format(Locale.ROOT,
                                            "not run: projected %.0f MB > a quarter of the %.0f MB heap",
                                            projected / MB, maxHeap / MB));
                            if (limit == null) {
                                limit = String.format(Locale.ROOT, "unrolling K = %d at n = %d, batch %d would retain"
                                        + " about %.0f MB (%.0f bytes per step, instance and unknown), more than a"
                                        + " quarter of the %.0f MB heap", k, n, batch, projected / MB, bytesPerUnit,
                                        maxHeap / MB);
                            }
                            continue;
                        }
                        Measure m = measure(new UnrolledLayer(u.update(), p -> Tensor.zeros(xStar.shape()), k), u, w);
                        bytesPerUnit = Math.max(bytesPerUnit, m.retained() / ((double) k * batch * n));
                        methods.add(method);
                        results.add(m);
                    }
                    for (int i = 0; i < methods.size(); i++) {
                        Measure m = results.get(i);
                        table.add(layer.getKey(), n, batch, methods.get(i), m.forwardSeconds() * 1e3,
                                m.backwardSeconds() * 1e3, m.retained() / MB, m.backwardAllocated() / MB,
                                m.peak() / MB, StudyTask.relativeError(m.gradient(), reference.gradient()), "");
                        if (batch == batches[batches.length - 1]) {
                            retainedAtLargestBatch.computeIfAbsent(methods.get(i), s -> new double[sizes.length])
                                    [indexOf(sizes, n)] = m.retained() / MB;
                        }
                    }
                    if (n == sizes[sizes.length - 1] && batch == batches[batches.length - 1]) {
                        Measure folded = results.get(0);
                        Measure unrolled = results.get(results.size() - 1);
                        findings.add(String.format(Locale.ROOT, "%s at n = %d, batch %d: the folded layer retains %.2f"
                                + " MB and its backward allocates %.2f MB (%.0f ms); %s retains %.2f MB and allocates"
                                + " %.2f MB (%.0f ms), with gradient error %.2g against the folded gradient",
                                layer.getKey(), n, batch, folded.retained() / MB, folded.backwardAllocated() / MB,
                                (folded.forwardSeconds() + folded.backwardSeconds()) * 1e3,
                                methods.get(results.size() - 1), unrolled.retained() / MB,
                                unrolled.backwardAllocated() / MB,
                                (unrolled.forwardSeconds() + unrolled.backwardSeconds()) * 1e3,
                                StudyTask.relativeError(unrolled.gradient(), reference.gradient())));
                    }
                }
            }
            if (limit == null) {
                long units = (long) (maxHeap / Math.max(bytesPerUnit, 1e-9));
                limit = String.format(Locale.ROOT, "unrolling retains about %.0f bytes per step, instance and"
                        + " unknown: K = 1000 at batch %d fills the %.0f MB heap at about n = %d", bytesPerUnit,
                        batches[batches.length - 1], maxHeap / MB, units / (1000L * batches[batches.length - 1]));
            }
            findings.add(layer.getKey() + ": " + limit);
            List<Charts.Series> series = new ArrayList<>();
            double[] x = Arrays.stream(sizes).asDoubleStream().toArray();
            retainedAtLargestBatch.forEach((method, y) -> series.add(new Charts.Series(method, x, y)));
            files.add(SolversStudy.lines(config.out(), "memory_" + SolversStudy.slug(layer.getKey()) + ".png",
                    layer.getKey() + ": heap retained after the forward pass (batch " + batches[batches.length - 1]
                            + ")", "n", "MB", series));
        }
        files.add(0, table.write(config.out(), "memory.csv"));
        return new StudyResult(name(), List.of(table), findings, files);
    }

    /** Runs the layer folded and unrolled once, unmeasured, so that the first measured row is not JIT warm-up. */
    private static void warmUp(Unrollable u) {
        Var c = Var.param(u.params());
        Tensor xStar = u.solver().solve(new Tensor[] {u.params()});
        for (OptimizationLayer layer : List.of(new FoldedLayer(u.solver(), u.update(), FoldOptions.defaults()
                .withSolver(new Gmres(30)).withOnFailure(FailurePolicy.FLAG)),
                new UnrolledLayer(u.update(), p -> Tensor.zeros(xStar.shape()), STEPS[0]))) {
            Autodiff.grad(u.readOut().apply(layer.apply(c)).sum(), c);
        }
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One forward and backward pass.
     *
     * @param gradient the gradient of {@code <w, output>} with respect to the parameters
     * @param forwardSeconds wall-clock seconds of the forward pass
     * @param backwardSeconds wall-clock seconds of the backward pass
     * @param retained bytes of heap the recorded graph holds after the forward pass
     * @param backwardAllocated bytes allocated by all threads during the backward pass
     * @param peak the sum of the heap pools' peak usage over both passes
     */
    private record Measure(double[] gradient, double forwardSeconds, double backwardSeconds, long retained,
            long backwardAllocated, long peak) {}

    /** Runs {@code layer} (whose output is the state) and {@code u}'s read-out forward and backward. */
    private static Measure measure(OptimizationLayer layer, Unrollable u, Tensor w) {
        long before = usedAfterCollection();
        resetPeaks();
        Var c = Var.param(u.params());
        long t0 = System.nanoTime();
        Var loss = u.readOut().apply(layer.apply(c)).mul(Var.constant(w)).sum();
        long t1 = System.nanoTime();
        long retained = Math.max(0, usedAfterCollection() - before);
        long a0 = allocated();
        long t2 = System.nanoTime();
        double[] g = Autodiff.grad(loss, c)[0].data();
        long t3 = System.nanoTime();
        long alloc = allocated() - a0;
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Measure(g, (t1 - t0) * 1e-9, (t3 - t2) * 1e-9, retained, alloc, peak);
    }

    private static long usedAfterCollection() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    /** @return bytes allocated so far by all live threads (HotSpot's per-thread allocation counters) */
    private static long allocated() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(b -> b > 0).sum();
    }
}
