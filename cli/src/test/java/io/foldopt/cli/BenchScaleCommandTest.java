package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code foldopt bench scale} on tiny sizes: the JSON keys, gradient accuracy, DIRECT agreement, bad options. */
class BenchScaleCommandTest {
    private static final List<String> KEYS = List.of("\"n\":", "\"method\":", "\"iterations\":",
            "\"forward_seconds\":", "\"backward_seconds\":", "\"peak_heap_bytes\":", "\"directional_rel_error\":",
            "\"converged\":");

    @TempDir
    Path dir;

    @Test
    void foldedGradientsMatchFiniteDifferencesAndDirect() throws Exception {
        // On a 6 x 6 image the forward solves' error over the default step (1e-6) is 2e-6 of the directional
        // derivative; the solution map has no kink within a relative step 1e-5 there.
        CliRun run = CliRun.of("bench", "scale", "--sizes", "36", "--problems", "tv,qp", "--tol", "1e-10", "--eps",
                "1e-5", "--json", "--out", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> rows = run.outLines();
        assertEquals(rows, Files.readAllLines(dir.resolve("results.jsonl")));
        assertTrue(Files.size(dir.resolve("scale.png")) > 0);
        for (String problem : List.of("tv", "qp")) {
            for (String method : List.of("gmres", "bicgstab", "lfpi")) {
                String row = rows.stream().filter(r -> r.contains("\"problem\":\"" + problem + "\"")
                        && r.contains("\"method\":\"" + method + "\"")).findFirst().orElseThrow();
                KEYS.forEach(k -> assertTrue(row.contains(k), k + " missing in " + row));
                assertTrue(row.contains("\"converged\":true"), row);
                assertTrue(number(row, "directional_rel_error") < 1e-6, row);
                if (problem.equals("qp")) {
                    assertTrue(number(row, "rel_error_vs_direct") < 1e-8, row);
                }
            }
        }
    }

    @Test
    void badSizesAreNamed() {
        CliRun run = CliRun.of("bench", "scale", "--sizes", "1e3,abc");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("size 'abc' is not a number"), run.err());
        CliRun problem = CliRun.of("bench", "scale", "--problems", "lp");
        assertEquals(2, problem.exitCode());
        assertTrue(problem.err().contains("unknown problem 'lp'"), problem.err());
        CliRun method = CliRun.of("bench", "scale", "--methods", "gmres,cg");
        assertEquals(2, method.exitCode());
        assertTrue(method.err().contains("unknown method 'cg' (expected gmres, bicgstab or lfpi)"), method.err());
        CliRun depth = CliRun.of("bench", "scale", "--unrolled", "0");
        assertEquals(2, depth.exitCode());
        assertTrue(depth.err().contains("size '0' must be a whole number"), depth.err());
    }

    private static double number(String row, String key) {
        int i = row.indexOf("\"" + key + "\":") + key.length() + 3;
        int j = i;
        while (j < row.length() && ",}".indexOf(row.charAt(j)) < 0) {
            j++;
        }
        return Double.parseDouble(row.substring(i, j));
    }
}
