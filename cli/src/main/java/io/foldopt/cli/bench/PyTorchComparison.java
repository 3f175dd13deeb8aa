package io.foldopt.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The PyTorch side of {@code foldopt bench backward --compare-pytorch}: runs {@code anchor_backward.py} (the script
 * of {@code bench/python}, packaged with the command-line tool) with a Python interpreter on the data of a
 * {@link BackwardBenchmark.Result} and reads its measurements.
 */
public final class PyTorchComparison {
    /** Name of the packaged script, also its name in {@code bench/python}. */
    public static final String SCRIPT = "anchor_backward.py";

    private PyTorchComparison() {}

    /**
     * One variant measured by the script.
     *
     * @param variant {@code gmres-autograd}, {@code gmres-explicit} or {@code unrolled-K}
     * @param iterations largest GMRES iteration count over the batch, or {@code K}
     * @param seconds median wall-clock seconds per backward
     * @param cpuSeconds median process CPU seconds per backward
     * @param relErrorVsDirect relative error of the gradient against foldopt's direct method
     * @param torchVersion the PyTorch version
     */
    public record Variant(String variant, int iterations, double seconds, double cpuSeconds,
            double relErrorVsDirect, String torchVersion) {}

    /** Writes the packaged script into {@code dir} and returns its path. */
    public static Path extractScript(Path dir) throws IOException {
        Path script = dir.resolve(SCRIPT);
        try (InputStream in = PyTorchComparison.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is not packaged with this build");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    /**
     * Runs {@code python script --data data --tol tol --repeat repeat --threads threads [--unrolled K]}.
     *
     * @param unrolled unrolling depth to time as well, 0 for none
     * @param blas a BLAS shared library to preload into the interpreter (its {@code dgemm} then replaces the one
     *     PyTorch links, single-threaded inside PyTorch's own threads), or null for PyTorch as installed
     * @return the variants, in the script's order
     * @throws IOException naming the cause when the interpreter cannot start, PyTorch is missing or the script fails
     */
    public static List<Variant> run(String python, Path script, Path data, double tol, int repeat, int threads,
            int unrolled, Path blas) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--data", data.toString(), "--tol",
                Double.toString(tol), "--repeat", Integer.toString(repeat), "--threads", Integer.toString(threads)));
        if (unrolled > 0) {
            command.addAll(List.of("--unrolled", Integer.toString(unrolled)));
        }
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (blas != null) {
                builder.environment().put("LD_PRELOAD", blas.toString());
                builder.environment().put("LD_LIBRARY_PATH", blas.getParent().toString());
                builder.environment().put("OPENBLAS_NUM_THREADS", "1");
            }
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + python + " (" + e.getMessage() + ")", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + python, e);
        }
        if (exit != 0) {
            String last = output.strip();
            int cut = last.lastIndexOf('\n');
            throw new IOException(python + " " + SCRIPT + " exited with " + exit + ": "
                    + (cut >= 0 ? last.substring(cut + 1) : last));
        }
        List<Variant> variants = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : output.split("\\R")) {
            if (line.startsWith("{")) {
                JsonNode v = json.readTree(line);
                variants.add(new Variant(v.get("variant").asText(), v.get("iterations").asInt(),
                        v.get("backward_seconds").asDouble(), v.get("cpu_seconds").asDouble(),
                        v.get("rel_error_vs_direct").asDouble(), v.get("torch").asText()));
            }
        }
        if (variants.isEmpty()) {
            throw new IOException(python + " " + SCRIPT + " printed no measurement: " + output.strip());
        }
        return variants;
    }

    /** @return the file name of the data of a problem size, e.g. {@code anchor-n500-b64.bin} */
    public static String dataFileName(int n, int batch) {
        return String.format(Locale.ROOT, "anchor-n%d-b%d.bin", n, batch);
    }
}
