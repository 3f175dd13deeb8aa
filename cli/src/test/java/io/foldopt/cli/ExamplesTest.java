package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every problem file shipped in examples/ solves to optimal, and the VJP of its cotangent file equals the cotangent
 * times its Jacobian.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    private static List<Path> problems() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith("-cotangent.json"))
                    .sorted().toList();
        }
    }

    @Test
    void oneExamplePerFamily() throws IOException {
        Set<String> families = new TreeSet<>();
        for (Path p : problems()) {
            families.add(new ObjectMapper().readTree(p.toFile()).get("family").asText());
        }
        assertEquals(Set.of("qp", "topk", "box-nonconvex-qp"), families);
    }

    @Test
    void everyExampleIsOptimalWithConsistentDerivatives() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (Path p : problems()) {
            CliRun jac = CliRun.of("sensitivity", p.toString(), "--json");
            assertEquals(0, jac.exitCode(), p + ": " + jac.err());
            JsonNode out = json.readTree(jac.out());
            assertEquals("optimal", out.get("status").asText(), p.toString());
            int n = out.get("x").size();
            Path cotangent = p.resolveSibling(p.getFileName().toString().replace(".json", "-cotangent.json"));
            assertTrue(Files.exists(cotangent), "every example has a cotangent file: " + cotangent);
            CliRun vjp = CliRun.of("sensitivity", p.toString(), "--cotangent", cotangent.toString(), "--json");
            assertEquals(0, vjp.exitCode(), vjp.err());
            JsonNode g = json.readTree(cotangent.toFile()).get("x");
            assertEquals(n, g.size());
            JsonNode grads = json.readTree(vjp.out()).get("grad");
            List<String> keys = new ArrayList<>();
            grads.fieldNames().forEachRemaining(keys::add);
            assertFalse(keys.isEmpty());
            for (String key : keys) {
                List<Double> grad = flat(grads.get(key));
                for (int e = 0; e < grad.size(); e++) {
                    double expected = 0;
                    for (int i = 0; i < n; i++) {
                        expected += g.get(i).asDouble() * flat(out.get("jacobian").get(key).get(i)).get(e);
                    }
                    assertEquals(expected, grad.get(e), 1e-9, p + " " + key + "[" + e + "]");
                }
            }
        }
    }

    private static List<Double> flat(JsonNode node) {
        return node.isArray() ? Stream.iterate(0, i -> i + 1).limit(node.size()).flatMap(i -> flat(node.get(i))
                .stream()).toList() : List.of(node.asDouble());
    }
}
