package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchBackwardCommandTest {
    private static final List<String> KEYS = List.of("method", "n", "batch", "iterations", "backward_seconds",
            "backward_cpu_seconds", "gflops", "forward_seconds", "rel_error_vs_direct", "converged", "kernels");
    private static final Pattern OBJECT = Pattern.compile("\\{(.*)}");
    private static final Pattern MEMBER = Pattern.compile("\"([^\"]*)\":(\"[^\"]*\"|[^,]*)(,|$)");

    private static List<Map<String, String>> rows;
    private static List<String> printed;

    @TempDir
    static Path reportDir;

    @BeforeAll
    static void run() {
        CliRun run = CliRun.of("bench", "backward", "--n", "20", "--batch", "4", "--repeat", "1", "--json",
                "--out", reportDir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("report written to "), run.err());
        assertTrue(run.err().contains("dense kernels: openblas"), run.err());
        printed = run.outLines();
        rows = printed.stream().map(BenchBackwardCommandTest::parse).toList();
    }

    @Test
    void writesTheReportFolder() throws IOException {
        assertEquals(printed, Files.readAllLines(reportDir.resolve("results.jsonl")));
        List<String> table = Files.readAllLines(reportDir.resolve("results.txt"));
        assertEquals(7, table.size());
        assertTrue(table.get(0).startsWith("backend"), table.get(0));
    }

    /** Parses a flat JSON object whose strings contain no quotes, keys in order. */
    private static Map<String, String> parse(String line) {
        Matcher object = OBJECT.matcher(line);
        assertTrue(object.matches(), line);
        Map<String, String> members = new LinkedHashMap<>();
        Matcher m = MEMBER.matcher(object.group(1));
        int end = 0;
        while (m.find() && m.start() == end) {
            members.put(m.group(1), m.group(2).replace("\"", ""));
            end = m.end();
        }
        assertEquals(object.group(1).length(), end, "not a flat JSON object: " + line);
        return members;
    }

    private static Map<String, String> row(String method) {
        return rows.stream().filter(r -> r.get("method").equals(method)).findFirst().orElseThrow();
    }

    private static double error(String method) {
        return Double.parseDouble(row(method).get("rel_error_vs_direct"));
    }

    @Test
    void printsOneObjectPerMethodWithTheDocumentedKeys() {
        assertEquals(List.of("lfpi", "gmres", "bicgstab", "direct", "unrolled-100", "unrolled-1000"),
                rows.stream().map(r -> r.get("method")).toList());
        for (Map<String, String> r : rows) {
            assertEquals(KEYS, List.copyOf(r.keySet()));
            assertEquals("20", r.get("n"));
            assertEquals("4", r.get("batch"));
            assertEquals("openblas", r.get("kernels"));
            assertTrue(Double.parseDouble(r.get("backward_seconds")) >= 0);
            assertTrue(Double.parseDouble(r.get("forward_seconds")) >= 0);
            assertTrue(Double.parseDouble(r.get("backward_cpu_seconds")) >= 0);
        }
        // One product (4 x 20) x (20 x 20) per GMRES iteration and per cycle's true residual.
        double gmresFlops = Double.parseDouble(row("gmres").get("gflops")) * 1e9
                * Double.parseDouble(row("gmres").get("backward_seconds"));
        int iterations = Integer.parseInt(row("gmres").get("iterations"));
        assertTrue(gmresFlops >= 2.0 * 4 * 20 * 20 * iterations * (1 - 1e-9), gmresFlops + " flops");
    }

    @Test
    void foldedMethodsConvergeToTheDirectGradient() {
        for (String method : List.of("lfpi", "gmres", "bicgstab", "direct")) {
            assertEquals("true", row(method).get("converged"), method);
            assertTrue(error(method) < 1e-8, method + ": " + error(method));
        }
        assertEquals(0.0, error("direct"));
    }

    @Test
    void unrollingMoreStepsIsMoreAccurate() {
        assertEquals("1000", row("unrolled-1000").get("iterations"));
        assertEquals("null", row("unrolled-100").get("converged"));
        assertTrue(error("unrolled-1000") < 1e-2 * error("unrolled-100"),
                error("unrolled-1000") + " vs " + error("unrolled-100"));
    }

    @Test
    void backendsMethodsAndSizesSelectTheRows(@TempDir Path dir) {
        CliRun run = CliRun.of("bench", "backward", "--sizes", "12x3,8X2", "--methods", "gmres", "--backends",
                "java,native", "--repeat", "1", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertEquals(5, lines.size(), run.out());
        assertTrue(lines.get(1).matches("java +12 +3 +gmres .*"), lines.get(1));
        assertTrue(lines.get(2).matches("openblas +12 +3 +gmres .*"), lines.get(2));
        assertTrue(lines.get(3).matches("java +8 +2 +gmres .*"), lines.get(3));
        assertTrue(run.err().contains("dense kernels: java, openblas"), run.err());
    }

    @Test
    void badSizesMethodsAndBackendsAreUsageErrors(@TempDir Path dir) {
        for (String[] args : new String[][] {{"--sizes", "12"}, {"--sizes", "0x3"}, {"--sizes", "axb"},
            {"--methods", "newton"}, {"--backends", "cuda"}}) {
            List<String> all = new java.util.ArrayList<>(List.of("bench", "backward", "--out", dir.toString()));
            all.addAll(List.of(args));
            CliRun run = CliRun.of(all.toArray(new String[0]));
            assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.err());
            assertTrue(run.err().contains(args[0]), run.err());
        }
    }

    @Test
    void aMissingPythonSkipsTheComparisonWithTheReason(@TempDir Path dir) {
        CliRun run = CliRun.of("bench", "backward", "--n", "10", "--batch", "2", "--methods", "gmres", "--repeat", "1",
                "--compare-pytorch", "--python", dir.resolve("no-such-python").toString(), "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("PyTorch comparison at n = 10, batch = 2 skipped: cannot start"), run.err());
        assertTrue(run.outLines().get(1).endsWith("n/a    n/a"), run.out());
    }
}
