package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.status.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code foldopt sensitivity} on one file of each family, and its errors on malformed files. */
class SensitivityCommandTest {
    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p;
    }

    private JsonNode runJson(String... args) throws IOException {
        return runJson(0, args);
    }

    private JsonNode runJson(int exitCode, String... args) throws IOException {
        CliRun run = CliRun.of(args);
        assertEquals(exitCode, run.exitCode(), run.err());
        return new ObjectMapper().readTree(run.out());
    }

    /** Checks that the cotangent's VJP equals {@code g^T J} from the Jacobian, for parameter {@code key}. */
    private static void assertVjpMatchesJacobian(JsonNode vjp, JsonNode jacobian, double[] g, String key) {
        JsonNode grad = vjp.get("grad").get(key);
        JsonNode jac = jacobian.get("jacobian").get(key);
        for (int p = 0; p < grad.size(); p++) {
            double expected = 0;
            for (int i = 0; i < g.length; i++) {
                expected += g[i] * jac.get(i).get(p).asDouble();
            }
            assertEquals(expected, grad.get(p).asDouble(), 1e-9, key + "[" + p + "]");
        }
    }

    @Test
    void topkFamilyMatchesTheLmlClosedForm() throws IOException {
        Path problem = write("topk.json", "{\"family\": \"topk\", \"c\": [1.0, 0.5, -0.3, 2.0, 0.1], \"k\": 2,"
                + " \"eps\": 0.5, \"entropy\": \"binary\"}");
        Path g = write("g.json", "{\"x\": [1, -2, 0.5, 0, 3]}");
        JsonNode vjp = runJson("sensitivity", problem.toString(), "--cotangent", g.toString(), "--json");
        JsonNode jac = runJson("sensitivity", problem.toString(), "--json");
        assertEquals("optimal", vjp.get("status").asText());
        double sum = 0;
        for (JsonNode x : vjp.get("x")) {
            double xi = x.asDouble();
            sum += xi;
            assertTrue(xi > 0 && xi < 1);
        }
        assertEquals(2.0, sum, 1e-12);
        // LML Jacobian: dx_i/dc_j = s_i (delta_ij - s_j / sum s), s = x (1 - x) / eps: symmetric, rows sum to 0.
        JsonNode j = jac.get("jacobian").get("c");
        for (int a = 0; a < 5; a++) {
            double row = 0;
            for (int b = 0; b < 5; b++) {
                row += j.get(a).get(b).asDouble();
                assertEquals(j.get(a).get(b).asDouble(), j.get(b).get(a).asDouble(), 1e-14);
            }
            assertEquals(0.0, row, 1e-12);
        }
        assertVjpMatchesJacobian(vjp, jac, new double[] {1, -2, 0.5, 0, 3}, "c");
    }

    @Test
    void boxNonconvexQpFamilyFoldsPgd() throws IOException {
        Path problem = write("box.json", "{\"family\": \"box-nonconvex-qp\", \"Q\": [[2.0, 0.5, 0.0],"
                + " [0.5, 1.0, 0.2], [0.0, 0.2, 0.5]], \"c\": [3.0, -0.5, 0.4], \"lower\": -1, \"upper\": 1}");
        Path g = write("g.json", "{\"x\": [0.3, 1, -2]}");
        JsonNode vjp = runJson("sensitivity", problem.toString(), "--cotangent", g.toString(), "--json");
        JsonNode jac = runJson("sensitivity", problem.toString(), "--jacobian", "--json");
        assertEquals(-1.0, vjp.get("x").get(0).asDouble(), "the first coordinate sits on its lower bound");
        assertTrue(vjp.get("backward").get("converged").asBoolean());
        JsonNode j = jac.get("jacobian").get("c");
        for (int b = 0; b < 3; b++) {
            assertEquals(0.0, j.get(0).get(b).asDouble(), 0.0, "an active bound does not move");
        }
        // Inactive block: dx_F/dc_F = -(Q_FF - diag(c sin x)_FF)^{-1} diag(cos x_F); check its trace sign.
        assertTrue(j.get(1).get(1).asDouble() < 0 && j.get(2).get(2).asDouble() < 0);
        assertVjpMatchesJacobian(vjp, jac, new double[] {0.3, 1, -2}, "c");
    }

    @Test
    void qpFamilyDifferentiatesEveryParameter() throws IOException {
        // x* = (0, 1): the bound x_1 >= 0 and the equality fix x*, so dx*/dq = 0, dx*/db = (0, 1) and, from
        // x_1 = -h_1, x_2 = b + h_1: dx*/dh_1 = (-1, 1).
        Path problem = write("qp.json", "{\"family\": \"qp\", \"P\": [[2, 0.5], [0.5, 1]], \"q\": [1, -1],"
                + " \"A\": [[1, 1]], \"b\": [1], \"G\": [[-1, 0], [0, -1]], \"h\": [0, 0]}");
        Path g = write("g.json", "{\"x\": [2, 3]}");
        JsonNode vjp = runJson("sensitivity", problem.toString(), "--cotangent", g.toString(), "--json");
        JsonNode jac = runJson("sensitivity", problem.toString(), "--jacobian", "--json");
        assertEquals("optimal", vjp.get("status").asText());
        assertEquals(0.0, vjp.get("x").get(0).asDouble(), 1e-9);
        assertEquals(1.0, vjp.get("x").get(1).asDouble(), 1e-9);
        assertEquals(3.0, vjp.get("grad").get("b").get(0).asDouble(), 1e-8);
        assertEquals(1.0, vjp.get("grad").get("h").get(0).asDouble(), 1e-8);
        assertEquals(0.0, vjp.get("grad").get("q").get(0).asDouble(), 1e-8);
        for (String key : new String[] {"q", "b", "h"}) {
            assertVjpMatchesJacobian(vjp, jac, new double[] {2, 3}, key);
        }
        assertEquals(1, vjp.get("backward").get("active_constraints").asInt());
    }

    @Test
    void infeasibleQpIsReportedNotNan() throws IOException {
        Path problem = write("qp.json", "{\"family\": \"qp\", \"P\": [[2, 0], [0, 1]], \"q\": [1, -1],"
                + " \"G\": [[1, 0], [-1, 0]], \"h\": [-1, -1]}");
        JsonNode out = runJson(Status.INFEASIBLE.exitCode(), "sensitivity", problem.toString(), "--json");
        assertEquals("infeasible", out.get("status").asText());
        for (JsonNode row : out.get("jacobian").get("q")) {
            for (JsonNode v : row) {
                assertEquals(0.0, v.asDouble(), 0.0);
            }
        }
    }

    @Test
    void malformedFilesNameTheKeyAndTheProblem() throws IOException {
        String[][] cases = {
            {"{\"family\": \"box-nonconvex-qp\", \"Q\": [[1, 2], [3]], \"c\": [1, 2], \"lower\": -1, \"upper\": 1}",
                "key \"Q\" row 1 has 1 entries"},
            {"{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 5, \"eps\": 1}", "key \"k\" must satisfy 0 < k < n"},
            {"{\"family\": \"topk\", \"c\": [1, \"a\"], \"k\": 1, \"eps\": 1}",
                "key \"c\" entry [1] must be a finite number, got \"a\""},
            {"{\"family\": \"nope\"}", "key \"family\" must be one of"},
            {"{\"family\": \"qp\", \"P\": [[1, 0], [0, 1]], \"q\": [1, 2], \"A\": [[1, 1]]}",
                "key \"b\" is missing"},
            {"{\"family\": \"topk\", \"k\": 1, \"eps\": 1}", "key \"c\" is missing"},
            {"[1, 2]", "expected a JSON object"},
            {"{not json", "not valid JSON"},
        };
        for (String[] c : cases) {
            Path p = write("bad.json", c[0]);
            CliRun run = CliRun.of("sensitivity", p.toString());
            assertEquals(Status.INVALID_INPUT.exitCode(), run.exitCode(), c[0]);
            assertEquals(1, run.errLines().size(), run.err());
            assertTrue(run.err().contains("bad.json: ") && run.err().contains(c[1]), run.err());
        }
        CliRun missing = CliRun.of("sensitivity", dir.resolve("absent.json").toString());
        assertTrue(missing.err().contains("absent.json: no such file"), missing.err());
    }

    /** Assumes {@code sensitivity FILE [args]} fails with exit code 1 and one line containing every fragment. */
    private void assertRefused(String json, String[] args, String... fragments) throws IOException {
        Path p = write("strict.json", json);
        String[] line = new String[args.length + 2];
        line[0] = "sensitivity";
        line[1] = p.toString();
        System.arraycopy(args, 0, line, 2, args.length);
        CliRun run = CliRun.of(line);
        assertEquals(1, run.exitCode(), json + "\n" + run.err() + run.out());
        assertEquals(1, run.errLines().size(), run.err());
        assertEquals("", run.out());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "missing '" + f + "' in " + run.err());
        }
    }

    private static final String QP = "{\"family\": \"qp\", \"P\": [[1, 0], [0, 1]], \"q\": [1, 1]";

    @Test
    void unknownKeysAreErrorsWithTheClosestValidKey() throws IOException {
        assertRefused(QP + ", \"g\": [[1, 0]], \"H\": [0]}", new String[0],
                "key \"g\" is not a key of this file; did you mean \"G\"?",
                "valid keys: family, P, q, A, b, G, h (keys are case-sensitive)");
        assertRefused("{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 1, \"eps\": 1, \"entrophy\": \"shannon\"}",
                new String[0], "key \"entrophy\" is not a key of this file; did you mean \"entropy\"?");
        assertRefused(QP + ", \"zzz\": 1}", new String[0], "key \"zzz\" is not a key of this file; valid keys:");
        assertRefused("{\"family\": \"top-k\", \"c\": [1, 2]}", new String[0],
                "key \"family\" must be one of box-nonconvex-qp, qp, topk, got \"top-k\"; did you mean \"topk\"?");
        assertRefused("{\"c\": [1, 2]}", new String[0], "key \"family\" is missing; it names the problem");
    }

    @Test
    void duplicateKeysTrailingContentAndBadTextAreErrors() throws IOException {
        assertRefused(QP + ", \"q\": [2, 2]}", new String[0], "key \"q\" appears twice", "line 1");
        assertRefused(QP + "} x", new String[0], "unexpected content after the JSON object at line 1");
        assertRefused(QP + "}\n{}", new String[0], "unexpected content after the JSON object at line 2");
        assertRefused(QP + ", \"A\": null, \"b\": [1]}", new String[0], "key \"A\" is missing");
        assertRefused("", new String[0], "expected a JSON object {...}, the file is empty");
        assertRefused(QP + ",}", new String[0], "not valid JSON at line 1, column");
        Path binary = dir.resolve("binary.json");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b});
        CliRun run = CliRun.of("sensitivity", binary.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("binary.json: ") && !run.err().contains("Input length"), run.err());
        CliRun folder = CliRun.of("sensitivity", dir.toString());
        assertTrue(folder.err().contains(": is a directory, not a JSON file"), folder.err());
    }

    @Test
    void nonFiniteNumbersAreNamedWithTheirIndex() throws IOException {
        assertRefused("{\"family\": \"qp\", \"P\": [[1, 0], [0, NaN]], \"q\": [1, 1]}", new String[0],
                "key \"P\" entry [1][1] must be a finite number, got NaN");
        assertRefused("{\"family\": \"qp\", \"P\": [[1, 0], [0, 1]], \"q\": [1, 1e309]}", new String[0],
                "key \"q\" entry [1] must be a finite number, got Infinity");
        assertRefused("{\"family\": \"box-nonconvex-qp\", \"Q\": [[1]], \"c\": [1], \"lower\": -Infinity,"
                + " \"upper\": 1}", new String[0], "key \"lower\" must be a finite number, got -Infinity");
        assertRefused("{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 1.5, \"eps\": 1}", new String[0],
                "key \"k\" must be an integer, got 1.5");
    }

    @Test
    void shapesAreCheckedWithTheExpectedShape() throws IOException {
        assertRefused("{\"family\": \"qp\", \"P\": [[1, 0]], \"q\": [1, 1]}", new String[0],
                "key \"P\" must be 2 x 2 to match \"q\", got 1 x 2");
        assertRefused(QP + ", \"G\": [[1, 0, 0]], \"h\": [1]}", new String[0], "key \"G\" must have 2 columns");
        assertRefused(QP + ", \"G\": [[1, 0]], \"h\": [1, 2]}", new String[0],
                "key \"h\" must have 1 entries, one per row of \"G\", got 2");
        assertRefused("{\"family\": \"qp\", \"P\": [], \"q\": [1]}", new String[0],
                "key \"P\" must be a matrix: a non-empty list of non-empty rows");
    }

    @Test
    void cotangentFilesAreStrictToo() throws IOException {
        String problem = QP + "}";
        Path g = write("g.json", "{\"x\": [1, 2], \"y\": 1}");
        assertRefused(problem, new String[] {"--cotangent", g.toString()}, "g.json: key \"y\" is not a key");
        write("g.json", "{\"x\": [1, 2]} {\"x\": [1, 2]}");
        assertRefused(problem, new String[] {"--cotangent", g.toString()}, "g.json: unexpected content after");
        write("g.json", "{\"x\": [1, 2, 3]}");
        assertRefused(problem, new String[] {"--cotangent", g.toString()},
                "g.json: key \"x\" must have 2 entries, one per entry of the solution, got 3");
        write("g.json", "{\"x\": [1, NaN]}");
        assertRefused(problem, new String[] {"--cotangent", g.toString()}, "key \"x\" entry [1] must be a finite");
        CliRun both = CliRun.of("sensitivity", write("p.json", problem).toString(), "--cotangent", g.toString(),
                "--jacobian");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("--jacobian and --cotangent exclude each other"), both.err());
    }

    @Test
    void aJacobianLargerThanTheHeapIsRefusedBeforeTheSolve() throws IOException {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            c.append(i == 0 ? "" : ", ").append(i % 7);
        }
        assertRefused("{\"family\": \"topk\", \"c\": [" + c + "], \"k\": 3, \"eps\": 1}", new String[0],
                "the Jacobian of x (n = 60000) with respect to c (3,600,000,000 entries) needs an array of",
                "more than a Java array holds", "--cotangent G.json");
        String smaller = c.substring(0, c.indexOf(", ", 4 * 20_000 - 10));
        assertRefused("{\"family\": \"topk\", \"c\": [" + smaller + "], \"k\": 3, \"eps\": 1}", new String[0],
                "GB of memory, more than the", "of Java heap; ask for one vector-Jacobian product instead with"
                        + " --cotangent G.json, or give Java more memory");
    }
}
