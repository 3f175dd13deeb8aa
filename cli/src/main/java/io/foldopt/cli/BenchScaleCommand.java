package io.foldopt.cli;

import io.foldopt.cli.bench.ScaleBenchmark;
import io.foldopt.cli.bench.ScaleBenchmark.Config;
import io.foldopt.cli.bench.ScaleBenchmark.Row;
import io.foldopt.cli.format.JsonObject;
import io.foldopt.cli.format.TextTable;
import io.foldopt.experiments.report.Charts;
import io.foldopt.parallel.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code foldopt bench scale}: runs {@link ScaleBenchmark} over sizes and prints its rows and fitted exponents. */
@Command(name = "scale", sortOptions = false,
        description = {
            "Folded backward at scale (batch 1): 2-D TV denoising of a noisy s x s cartoon image"
                    + " (min 1/2 ||x - d||^2 + lambda_h ||D_h x||_1 + lambda_v ||D_v x||_1, PDHG, n = s^2 pixels) and a"
                    + " random sparse QP in OSQP form (ADMM with conjugate-gradient x-updates).",
            "Per n and method (GMRES, BiCGSTAB, LFPI, DIRECT where the state has at most 2000 entries, unrolling"
                    + " K = 100 and 1000 until it runs out of heap): forward and backward seconds, iterations, peak"
                    + " heap, and the relative error of the directional derivative <dL/dc, d> against a central"
                    + " difference. Then the fitted exponents of backward time and peak heap against n over"
                    + " 10^4 <= n <= 10^6, and a log-log chart."})
final class BenchScaleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", defaultValue = "1e3,1e4,1e5,1e6", split = ",",
            description = "Numbers of variables n (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--problems", defaultValue = "tv,qp", split = ",",
            description = "Problems: tv, qp (default: ${DEFAULT-VALUE}).")
    List<String> problems;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tol", defaultValue = "1e-8",
            description = "Relative residual of the backward solves (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--forward-tol", defaultValue = "1e-11",
            description = "Fixed-point tolerance of the forward solves (default: ${DEFAULT-VALUE}).")
    double forwardTol;

    @Option(names = "--eps", defaultValue = "1e-6",
            description = "Relative step of the directional finite difference (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--max-iterations", defaultValue = "5000",
            description = "Iteration limit of each backward solve (default: ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(names = "--methods", defaultValue = "gmres,bicgstab,lfpi", split = ",",
            description = "Folded backward methods: gmres, bicgstab, lfpi (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--unrolled", defaultValue = "100,1000", split = ",",
            description = "Unrolling depths K, or none (default: ${DEFAULT-VALUE}).")
    List<String> unrolled;

    @Option(names = "--check-tol", defaultValue = "1e-13",
            description = "Fixed-point tolerance of the forward solves of the directional check"
                    + " (default: ${DEFAULT-VALUE}).")
    double checkTol;

    @Option(names = "--threads", description = "Worker threads (default: all processors, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--json", description = "Print one JSON object per row instead of a table.")
    boolean json;

    @Option(names = "--out", defaultValue = "reports/bench-scale",
            description = "Report folder: results.jsonl, results.txt and scale.png (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Override
    public Integer call() {
        Config config;
        try {
            int[] n = sizes.stream().mapToInt(BenchScaleCommand::parseSize).toArray();
            List<Integer> depths = unrolled.equals(List.of("none")) ? List.of()
                    : unrolled.stream().map(k -> parseSize(k)).toList();
            config = new Config(n, problems, seed, tol, forwardTol, eps, maxIterations, methods, depths, checkTol);
            Parallel.setThreads(threads);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid option value: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("max heap " + ScaleBenchmark.maxHeap() / (1 << 20) + " MiB, " + Parallel.threads() + " threads, load"
                + String.format(Locale.ROOT, " average %.1f", ScaleBenchmark.loadAverage()));
        err.flush();
        List<Row> rows = ScaleBenchmark.run(config, r -> {
            if (json) {
                out.println(toJson(r));
            } else {
                err.println(toTable(List.of(r)).lines().skip(1).collect(Collectors.joining()).strip());
            }
            out.flush();
            err.flush();
        });
        String jsonLines = rows.stream().map(r -> toJson(r) + System.lineSeparator()).collect(Collectors.joining());
        String table = toTable(rows) + fits(rows);
        if (!json) {
            out.print(table);
            out.flush();
        }
        try {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("results.jsonl"), jsonLines);
            Files.writeString(outDir.resolve("results.txt"), table);
            chart(rows, outDir.resolve("scale.png"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir + ": " + e.getMessage(), e);
        }
        err.println("report written to " + outDir.toAbsolutePath().normalize());
        return 0;
    }

    /** @return {@code n} from a decimal or scientific literal such as 1000 or 1e6 */
    static int parseSize(String s) {
        double v;
        try {
            v = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + s + "' is not a number");
        }
        if (!(v >= 1) || v > Integer.MAX_VALUE / 4 || v != Math.rint(v)) {
            throw new IllegalArgumentException("size '" + s + "' must be a whole number in [1, " + Integer.MAX_VALUE / 4
                    + "]");
        }
        return (int) v;
    }

    private static String toJson(Row r) {
        JsonObject o = new JsonObject().put("problem", r.problem()).put("n", r.n()).put("method", r.method())
                .put("iterations", r.iterations()).put("forward_seconds", r.forwardSeconds())
                .put("backward_seconds", r.backwardSeconds()).put("backward_cpu_seconds", r.backwardCpuSeconds()).put("peak_heap_bytes", r.peakHeapBytes())
                .put("directional_rel_error", r.directionalRelError()).put("converged", r.converged())
                .put("rel_error_vs_direct", r.relErrorVsDirect())
                .put("load_average", r.loadAverage());
        if (!r.note().isEmpty()) {
            o.put("note", r.note());
        }
        return o.toString();
    }

    private static String toTable(List<Row> rows) {
        TextTable table = new TextTable("problem", "n", "method", "iterations", "forward_s", "backward_s",
                "backward_cpu_s", "peak_heap_MiB", "directional_rel_error", "vs_direct", "load", "converged");
        for (Row r : rows) {
            table.add(r.problem(), Integer.toString(r.n()), r.method(), Integer.toString(r.iterations()),
                    String.format(Locale.ROOT, "%.3f", r.forwardSeconds()),
                    String.format(Locale.ROOT, "%.3f", r.backwardSeconds()),
                    String.format(Locale.ROOT, "%.3f", r.backwardCpuSeconds()),
                    String.format(Locale.ROOT, "%.0f", r.peakHeapBytes() / 1048576.0),
                    String.format(Locale.ROOT, "%.2e", r.directionalRelError()),
                    String.format(Locale.ROOT, "%.2e", r.relErrorVsDirect()),
                    String.format(Locale.ROOT, "%.1f", r.loadAverage()),
                    (r.converged() == null ? "n/a" : r.converged().toString())
                            + (r.note().isEmpty() ? "" : " (" + r.note() + ")"));
        }
        return table.render();
    }

    /** @return per problem and folded method, the fitted exponents of backward time and peak heap for n in [1e4, 1e6] */
    private static String fits(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Row>> e : series(rows).entrySet()) {
            List<Row> in = e.getValue().stream().filter(r -> r.n() >= 9_000 && r.n() <= 1_100_000).toList();
            double[] n = in.stream().mapToDouble(Row::n).toArray();
            if (n.length < 2) {
                sb.append(String.format(Locale.ROOT, "fit %s: needs at least two sizes in [1e4, 1e6], got %d%n",
                        e.getKey(), n.length));
                continue;
            }
            double time = ScaleBenchmark.fittedExponent(n, in.stream().mapToDouble(Row::backwardSeconds).toArray());
            double cpu = ScaleBenchmark.fittedExponent(n, in.stream().mapToDouble(Row::backwardCpuSeconds).toArray());
            double heap = ScaleBenchmark.fittedExponent(n, in.stream().mapToDouble(Row::peakHeapBytes).toArray());
            sb.append(String.format(Locale.ROOT, "fit %s over %d sizes in [1e4, 1e6]: backward time ~ n^%.2f,"
                    + " backward CPU time ~ n^%.2f, peak heap ~ n^%.2f%n", e.getKey(), n.length, time, cpu, heap));
        }
        return sb.toString();
    }

    /** @return the converged folded rows grouped by "problem method" */
    private static Map<String, List<Row>> series(List<Row> rows) {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        for (Row r : rows) {
            if (Boolean.TRUE.equals(r.converged())) {
                out.computeIfAbsent(r.problem() + " " + r.method(), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    /** Writes log10 backward seconds and log10 peak heap MiB against log10 n, one line per problem and method. */
    private static void chart(List<Row> rows, Path file) throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : series(rows).entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(r -> Math.log10(r.n())).toArray();
            series.add(new Charts.Series(e.getKey() + " time", x,
                    e.getValue().stream().mapToDouble(r -> Math.log10(r.backwardSeconds())).toArray()));
            series.add(new Charts.Series(e.getKey() + " heap", x,
                    e.getValue().stream().mapToDouble(r -> Math.log10(r.peakHeapBytes() / 1048576.0)).toArray()));
        }
        if (!series.isEmpty()) {
            Charts.lines(file, "Folded backward: time (s) and peak heap (MiB) against n", "log10 n",
                    "log10 seconds / log10 MiB", series);
        }
    }
}
