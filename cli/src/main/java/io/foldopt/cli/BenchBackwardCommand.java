package io.foldopt.cli;

import io.foldopt.blas.OpenBlasGemm;
import io.foldopt.cli.bench.BackwardBenchmark;
import io.foldopt.cli.bench.BackwardBenchmark.Config;
import io.foldopt.cli.bench.BackwardBenchmark.Result;
import io.foldopt.cli.bench.BackwardBenchmark.Row;
import io.foldopt.cli.bench.PyTorchComparison;
import io.foldopt.cli.bench.PyTorchComparison.Variant;
import io.foldopt.cli.format.JsonObject;
import io.foldopt.cli.format.TextTable;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.GemmBackend;
import io.foldopt.tensor.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code foldopt bench backward}: runs {@link BackwardBenchmark} and prints its rows. */
@Command(name = "backward", sortOptions = false,
        description = {
            "Compares the folded backward methods (LFPI, GMRES, BiCGSTAB, direct) and unrolling (K = 100, 1000)"
                    + " on min 1/2 x^T Q x + c^T sin(x) over [-1, 1]^n, Q = M^T M / n + 0.1 I, for a batch of"
                    + " standard-normal c and a random cotangent, all drawn from --seed.",
            "Prints per backend, size and method: iterations, backward wall and CPU seconds, the GFLOP/s of its"
                    + " dense products, forward seconds, the relative gradient error against the direct solve,"
                    + " and whether the backward solve converged. With --compare-pytorch, the same backward in"
                    + " PyTorch (bench/python/anchor_backward.py: batched GMRES, VJPs by autograd or by the"
                    + " explicit formula) runs on the same data in the same run, and the gmres rows show"
                    + " ratio = PyTorch seconds / foldopt seconds."})
final class BenchBackwardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--n", defaultValue = "100", description = "Dimension n (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--sizes", split = ",", paramLabel = "NxB",
            description = "Several sizes in one run, e.g. 500x64,100x32 (instead of --n and --batch).")
    List<String> sizes = new ArrayList<>();

    @Option(names = "--methods", split = ",", paramLabel = "METHOD",
            description = "Rows to run, from lfpi, gmres, bicgstab, direct, unrolled-100, unrolled-1000 (default:"
                    + " all); the direct method always runs once as the reference of the error column.")
    List<String> methods = new ArrayList<>(BackwardBenchmark.methodNames());

    @Option(names = "--backends", split = ",", paramLabel = "BACKEND",
            description = "Dense product backends to run, java and/or native (default: the one in use, chosen by"
                    + " -Dfoldopt.blas=java|native).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tol", defaultValue = "1e-10",
            description = "Relative residual tolerance of the backward solves (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--threads", description = "Worker threads (default: all processors, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--repeat", defaultValue = "3",
            description = "Timed runs per method after ten warm-up runs; times are their median (default:"
                    + " ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--compare-pytorch",
            description = "Also time the backward in PyTorch on the same data (needs --python with torch).")
    boolean comparePytorch;

    @Option(names = "--python", defaultValue = "python3",
            description = "Python interpreter for --compare-pytorch (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--pytorch-openblas",
            description = "With --compare-pytorch, run PyTorch a second time with the OpenBLAS library of foldopt's"
                    + " native backend preloaded (LD_PRELOAD), for PyTorch builds linked to a slower BLAS; its rows"
                    + " are labelled pytorch+openblas.")
    boolean pytorchOpenblas;

    @Option(names = "--json", description = "Print one JSON object per row instead of a table.")
    boolean json;

    @Option(names = "--out", defaultValue = "reports/bench-backward",
            description = "Report folder: results.jsonl (one JSON object per row) and results.txt (the table);"
                    + " with --compare-pytorch also the data files and the script (default: ${DEFAULT-VALUE}).")
    Path outDir;

    /**
     * One printed row: a foldopt row (with the fastest PyTorch GMRES seconds of its size on gmres rows), or a PyTorch
     * variant run with the BLAS named {@code torchBlas} (then {@code foldopt} is null).
     */
    private record Line(Row foldopt, Variant torch, String torchBlas, int n, int batch, Double torchSeconds) {}

    @Override
    public Integer call() {
        List<int[]> runs = sizes();
        for (String m : methods) {
            if (!BackwardBenchmark.methodNames().contains(m)) {
                throw new ParameterException(spec.commandLine(), "--methods expects names from "
                        + String.join(", ", BackwardBenchmark.methodNames()) + ", got " + m);
            }
        }
        List<GemmBackend> kernels = backends();
        OptionChecks.positive(spec, "--repeat", repeat);
        OptionChecks.tolerance(spec, "--tol", tol);
        OptionChecks.threads(spec, "--threads", threads);
        OptionChecks.writableFolder(spec, "--out", outDir);
        for (int[] size : runs) {
            MemoryBudget.require("bench backward at --n " + size[0] + " --batch " + size[1],
                    BackwardBenchmark.estimatedBytes(size[0], size[1]), BackwardBenchmark.longestArray(size[0],
                            size[1]), "use a smaller --n or --batch");
        }
        Parallel.setThreads(threads);
        PrintWriter err = spec.commandLine().getErr();
        List<Line> lines = new ArrayList<>();
        for (int[] size : runs) {
            Config config = new Config(size[0], size[1], seed, tol, repeat);
            List<Line> sizeLines = new ArrayList<>();
            Result[] lastRun = new Result[1];
            for (GemmBackend k : kernels) {
                lastRun[0] = BackwardBenchmark.run(config, methods, k);
                for (Row r : lastRun[0].rows()) {
                    sizeLines.add(new Line(r, null, null, size[0], size[1], null));
                }
            }
            Result last = lastRun[0];
            List<Line> torch = new ArrayList<>();
            if (comparePytorch) {
                for (Variant v : pytorch(last, size[0], size[1], null, err)) {
                    torch.add(new Line(null, v, "pytorch", size[0], size[1], null));
                }
                if (pytorchOpenblas) {
                    Optional<Path> lib = openblasLibrary();
                    if (lib.isEmpty()) {
                        err.println("--pytorch-openblas skipped: the native backend is not OpenBLAS or does not load");
                    }
                    for (Variant v : lib.map(l -> pytorch(last, size[0], size[1], l, err)).orElse(List.of())) {
                        torch.add(new Line(null, v, "pytorch+openblas", size[0], size[1], null));
                    }
                }
            }
            Optional<Double> best = torch.stream().map(Line::torch).filter(v -> v.variant().startsWith("gmres"))
                    .map(Variant::seconds).min(Double::compare);
            for (Line l : sizeLines) {
                lines.add(new Line(l.foldopt(), null, null, l.n(), l.batch(),
                        l.foldopt().method().equals("gmres") ? best.orElse(null) : null));
            }
            lines.addAll(torch);
        }
        String jsonLines = lines.stream().map(l -> toJson(l) + System.lineSeparator()).collect(Collectors.joining());
        String table = toTable(lines);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? jsonLines : table);
        out.flush();
        try {
            Files.writeString(outDir.resolve("results.jsonl"), jsonLines);
            Files.writeString(outDir.resolve("results.txt"), table);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir + ": " + OptionChecks.reason(e), e);
        }
        err.println("report written to " + outDir.toAbsolutePath().normalize());
        err.println("dense kernels: " + kernels.stream().map(GemmBackend::description)
                .collect(Collectors.joining(", ")));
        return 0;
    }

    /** @return the sizes {@code {n, batch}} to run: {@code --sizes}, else {@code --n} and {@code --batch} */
    private List<int[]> sizes() {
        List<int[]> out = new ArrayList<>();
        if (sizes.isEmpty()) {
            OptionChecks.positive(spec, "--n", n);
            OptionChecks.positive(spec, "--batch", batch);
            out.add(new int[] {n, batch});
            return out;
        }
        for (String s : sizes) {
            String[] parts = s.toLowerCase(Locale.ROOT).split("x", -1);
            int[] size = new int[2];
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                size[0] = Integer.parseInt(parts[0].trim());
                size[1] = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--sizes expects NxB with positive integers, e.g."
                        + " 500x64, got " + s);
            }
            OptionChecks.positive(spec, "--sizes (n)", size[0]);
            OptionChecks.positive(spec, "--sizes (batch)", size[1]);
            out.add(size);
        }
        return out;
    }

    /** @return the backends of {@code --backends}, or the one in use */
    private List<GemmBackend> backends() {
        List<GemmBackend> out = new ArrayList<>();
        if (backends.isEmpty()) {
            out.add(Kernels.backend());
            return out;
        }
        for (String b : backends) {
            switch (b.toLowerCase(Locale.ROOT)) {
                case "java" -> out.add(GemmBackend.JAVA);
                case "native" -> out.add(Kernels.nativeBackend().orElseThrow(() -> new ParameterException(
                        spec.commandLine(), "--backends native: no native BLAS loads on this machine (the"
                                + " foldopt-blas module and its linux-x86_64 library are needed)")));
                default -> throw new ParameterException(spec.commandLine(), "--backends expects java or native,"
                        + " got " + b);
            }
        }
        return out;
    }

    /** @return the OpenBLAS library of the native backend, if it is OpenBLAS and loads */
    private static Optional<Path> openblasLibrary() {
        return Kernels.nativeBackend().filter(OpenBlasGemm.class::isInstance).map(b -> ((OpenBlasGemm) b).library());
    }

    /**
     * Runs the PyTorch script on the data of {@code result}, with {@code blas} preloaded if not null; on failure
     * prints why and returns no variant.
     */
    private List<Variant> pytorch(Result result, int n, int batch, Path blas, PrintWriter err) {
        try {
            Path data = outDir.resolve(PyTorchComparison.dataFileName(n, batch));
            BackwardBenchmark.writeComparisonData(result, data);
            Path script = PyTorchComparison.extractScript(outDir);
            return PyTorchComparison.run(python, script, data, tol, repeat, threads, 0, blas);
        } catch (IOException e) {
            err.println("PyTorch comparison at n = " + n + ", batch = " + batch + " skipped: " + e.getMessage());
            return List.of();
        }
    }

    private static String toJson(Line l) {
        JsonObject o = new JsonObject();
        if (l.foldopt() != null) {
            Row r = l.foldopt();
            o.put("method", r.method()).put("n", r.n()).put("batch", r.batch()).put("iterations", r.iterations())
                    .put("backward_seconds", r.backwardSeconds()).put("backward_cpu_seconds", r.backwardCpuSeconds())
                    .put("gflops", r.gflops()).put("forward_seconds", r.forwardSeconds())
                    .put("rel_error_vs_direct", r.relErrorVsDirect()).put("converged", r.converged())
                    .put("kernels", r.backend());
            if (l.torchSeconds() != null) {
                o.put("pytorch_seconds", l.torchSeconds()).put("ratio", l.torchSeconds() / r.backwardSeconds());
            }
        } else {
            Variant v = l.torch();
            o.put("method", v.variant()).put("n", l.n()).put("batch", l.batch()).put("iterations", v.iterations())
                    .put("backward_seconds", v.seconds()).put("backward_cpu_seconds", v.cpuSeconds())
                    .put("rel_error_vs_direct", v.relErrorVsDirect())
                    .put("kernels", l.torchBlas() + "-" + v.torchVersion());
        }
        return o.toString();
    }

    private static String toTable(List<Line> lines) {
        TextTable table = new TextTable("backend", "n", "batch", "method", "iterations", "backward_s", "cpu_s",
                "gflop_s", "forward_s", "rel_error_vs_direct", "converged", "pytorch_s", "ratio");
        for (Line l : lines) {
            if (l.foldopt() != null) {
                Row r = l.foldopt();
                table.add(r.backend(), Integer.toString(r.n()), Integer.toString(r.batch()), r.method(),
                        Integer.toString(r.iterations()), seconds(r.backwardSeconds()), seconds(r.backwardCpuSeconds()),
                        String.format(Locale.ROOT, "%.1f", r.gflops()), seconds(r.forwardSeconds()),
                        String.format(Locale.ROOT, "%.3e", r.relErrorVsDirect()),
                        r.converged() == null ? "n/a" : r.converged().toString(),
                        l.torchSeconds() == null ? "n/a" : seconds(l.torchSeconds()),
                        l.torchSeconds() == null ? "n/a"
                                : String.format(Locale.ROOT, "%.2f", l.torchSeconds() / r.backwardSeconds()));
            } else {
                Variant v = l.torch();
                table.add(l.torchBlas(), Integer.toString(l.n()), Integer.toString(l.batch()), v.variant(),
                        Integer.toString(v.iterations()), seconds(v.seconds()), seconds(v.cpuSeconds()), "n/a", "n/a",
                        String.format(Locale.ROOT, "%.3e", v.relErrorVsDirect()), "n/a", "n/a", "n/a");
            }
        }
        return table.render();
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.4f", s);
    }
}
