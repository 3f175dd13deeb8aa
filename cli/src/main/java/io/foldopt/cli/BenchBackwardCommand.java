package io.foldopt.cli;

import io.foldopt.cli.bench.BackwardBenchmark;
import io.foldopt.cli.bench.BackwardBenchmark.Config;
import io.foldopt.cli.bench.BackwardBenchmark.Row;
import io.foldopt.cli.format.JsonObject;
import io.foldopt.cli.format.TextTable;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code foldopt bench backward}: runs {@link BackwardBenchmark} and prints its rows. */
@Command(name = "backward", sortOptions = false,
        description = {
            "Compares the folded backward methods (LFPI, GMRES, BiCGSTAB, direct) and unrolling (K = 100, 1000)"
                    + " on min 1/2 x^T Q x + c^T sin(x) over [-1, 1]^n, Q = M^T M / n + 0.1 I, for a batch of"
                    + " standard-normal c and a random cotangent, all drawn from --seed.",
            "Prints method, iterations, backward and forward seconds, the relative gradient error against the"
                    + " direct solve, and whether the backward solve converged; the dense kernels used (java or"
                    + " openblas, chosen by -Dfoldopt.blas=java|native) go to the JSON rows and standard error."})
final class BenchBackwardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--n", defaultValue = "100", description = "Dimension n (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tol", defaultValue = "1e-10",
            description = "Relative residual tolerance of the backward solves (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--threads", description = "Worker threads (default: all processors, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--repeat", defaultValue = "3",
            description = "Timed runs per method after one warm-up run; times are their median (default:"
                    + " ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "Print one JSON object per method per line instead of a table.")
    boolean json;

    @Option(names = "--out", defaultValue = "reports/bench-backward",
            description = "Report folder: results.jsonl (one JSON object per method) and results.txt (the table)"
                    + " (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Override
    public Integer call() {
        OptionChecks.positive(spec, "--n", n);
        OptionChecks.positive(spec, "--batch", batch);
        OptionChecks.positive(spec, "--repeat", repeat);
        OptionChecks.tolerance(spec, "--tol", tol);
        OptionChecks.threads(spec, "--threads", threads);
        OptionChecks.writableFolder(spec, "--out", outDir);
        MemoryBudget.require("bench backward at --n " + n + " --batch " + batch,
                BackwardBenchmark.estimatedBytes(n, batch), BackwardBenchmark.longestArray(n, batch),
                "use a smaller --n or --batch");
        Config config = new Config(n, batch, seed, tol, repeat);
        Parallel.setThreads(threads);
        List<Row> rows = BackwardBenchmark.run(config);
        String jsonLines = rows.stream().map(r -> toJson(r) + System.lineSeparator()).collect(Collectors.joining());
        String table = toTable(rows);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? jsonLines : table);
        out.flush();
        try {
            Files.writeString(outDir.resolve("results.jsonl"), jsonLines);
            Files.writeString(outDir.resolve("results.txt"), table);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir + ": " + OptionChecks.reason(e), e);
        }
        spec.commandLine().getErr().println("report written to " + outDir.toAbsolutePath().normalize());
        spec.commandLine().getErr().println("dense kernels: " + Kernels.backendName());
        return 0;
    }

    private static String toJson(Row r) {
        return new JsonObject().put("method", r.method()).put("n", r.n()).put("batch", r.batch())
                .put("iterations", r.iterations()).put("backward_seconds", r.backwardSeconds())
                .put("forward_seconds", r.forwardSeconds()).put("rel_error_vs_direct", r.relErrorVsDirect())
                .put("converged", r.converged()).put("kernels", Kernels.backendName()).toString();
    }

    private static String toTable(List<Row> rows) {
        TextTable table = new TextTable("method", "iterations", "backward_s", "forward_s", "rel_error_vs_direct",
                "converged");
        for (Row r : rows) {
            table.add(r.method(), Integer.toString(r.iterations()), String.format(Locale.ROOT, "%.4f",
                    r.backwardSeconds()), String.format(Locale.ROOT, "%.4f", r.forwardSeconds()),
                    String.format(Locale.ROOT, "%.3e", r.relErrorVsDirect()),
                    r.converged() == null ? "n/a" : r.converged().toString());
        }
        return table.render();
    }
}
