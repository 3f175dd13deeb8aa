package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
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
        JsonNode out = runJson("sensitivity", problem.toString(), "--json");
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
            {"{\"family\": \"topk\", \"c\": [1, \"a\"], \"k\": 1, \"eps\": 1}", "key \"c\" entry [1] is not a finite"},
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
            assertEquals(1, run.exitCode(), c[0]);
            assertEquals(1, run.errLines().size(), run.err());
            assertTrue(run.err().contains("bad.json: ") && run.err().contains(c[1]), run.err());
        }
        CliRun missing = CliRun.of("sensitivity", dir.resolve("absent.json").toString());
        assertTrue(missing.err().contains("absent.json: no such file"), missing.err());
    }
}
