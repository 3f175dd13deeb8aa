package io.foldopt.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpOutput;
import io.foldopt.qp.QpProblem;
import io.foldopt.qp.QpStatusCheck;
import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code spark solve} in embedded local mode: every instance's solution, status and VJPs equal those of solving it
 * alone with foldopt's operations, bit for bit, from JSON lines and from Parquet, whatever the batches; invalid rows
 * become status rows naming the row and the cause.
 */
class SparkSolveTest {
    private static final long SEED = 7;
    private static final int N = 6;
    private static final int EQ = 1;
    private static final int INEQ = 4;
    private static final int QPS = 11;

    private static SparkSession spark;
    private static Path json;
    /** The results of the JSON lines in 3 partitions, solved in chunks of 4 rows, by id. */
    private static Map<Long, Row> rows;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        spark = Sessions.get("local[2]", 2);
        json = input();
        rows = solve(json.toString(), SparkSolve.Format.JSON, 3, 4, false);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** @return the JSON lines of the test table: QPs from the generator, then hand-written rows */
    private static Path input() throws Exception {
        Path generated = dir.resolve("generated");
        InstanceGenerator.qpTable(spark, QPS, 3, SEED, N, EQ, INEQ).write().json(generated.toString());
        StringBuilder lines = new StringBuilder();
        try (var files = Files.list(generated)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                lines.append(Files.readString(f));
            }
        }
        lines.append("""
                {"id": 100, "family": "qp", "P": [[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]], "q": [-1, 3, -2], "A": [[1, 1, 1]], "b": [1], "G": [[-1, 0, 0], [0, -1, 0], [0, 0, -1]], "h": [0, 0, 0], "g": [1, -2, 0.5]}
                {"id": 101, "family": "qp", "P": [[1, 0], [0, 1]], "q": [1, 1], "G": [[1, 0], [-1, 0]], "h": [-1, -1]}
                {"id": 102, "family": "topk", "c": [1.0, 0.5, -0.3, 2.0, 0.1], "k": 2, "eps": 0.2, "g": [1, 0, 0, -1, 2]}
                {"id": 103, "family": "topk", "c": [0.3, 0.1, -0.2, 0.4, 0.8], "k": 2, "eps": 0.2, "entropy": "binary"}
                {"id": 104, "family": "box-nonconvex-qp", "Q": [[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]], "c": [3, -0.5, 0.4], "lower": -1, "upper": 1, "g": [1, 1, 1]}
                {"id": 200, "family": "qp", "P": [[1, 0], [0, -1]], "q": [1, 1]}
                {"id": 201, "family": "qp", "P": [[1, 0], [0, 1]], "q": [1, NaN]}
                {"id": 202, "family": "qp", "P": [[1, 0], [0, 1]], "q": [1, 2, 3]}
                {"id": 203, "family": "lp", "c": [1, 2]}
                {"id": 204, "family": "topk", "c": [1, 2, 3], "k": 3, "eps": 0.1}
                {"id": 205, "family": "qp", "P": [[1, 0], [0, 1]], "q": [1, 1], "g": [1]}
                {"id": 206, "family": "qp", "P": [[1, 0], [0, 1]
                {"id": 207, "family": "topk", "c": [1, 2, 3], "k": "two", "eps": 0.1}
                """);
        Path file = dir.resolve("instances.jsonl");
        Files.writeString(file, lines);
        return file;
    }

    private static Map<Long, Row> solve(String path, SparkSolve.Format format, int partitions, int batch,
            boolean jacobian) {
        var out = SparkSolve.solve(SparkSolve.read(spark, path, format).repartition(partitions), batch, 1, jacobian);
        Map<Long, Row> byId = new HashMap<>();
        for (Row r : out.collectAsList()) {
            byId.put(r.getLong(0), r);
        }
        return byId;
    }

    @Test
    void qpSolutionsStatusesAndVjpsEqualSolvingEachInstanceAlone() {
        assertEquals(QPS + 13, rows.size(), rows.keySet().toString());
        for (long id = 0; id < QPS; id++) {
            Tensor[] t = InstanceGenerator.qp(SEED, id, N, EQ, INEQ);
            assertQpEquals(rows.get(id), t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
        }
        Row example = rows.get(100L);
        assertQpEquals(example, Tensor.matrix(new double[][] {{4, 1, 0}, {1, 3, 0.5}, {0, 0.5, 2}}),
                Tensor.vector(-1, 3, -2), Tensor.matrix(new double[][] {{1, 1, 1}}), Tensor.vector(1),
                Tensor.matrix(new double[][] {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}}), Tensor.vector(0, 0, 0),
                Tensor.vector(1, -2, 0.5));
        assertEquals("optimal", example.getString(2));
        assertEquals("infeasible", rows.get(101L).getString(2), "x1 <= -1 and -x1 <= -1 contradict");
        assertNull(rows.get(101L).get(5), "no cotangent, no gradient");

        // Parquet input gives the same rows, and so do other partitions and batch sizes.
        String parquet = dir.resolve("instances.parquet").toString();
        SparkSolve.read(spark, json.toString(), SparkSolve.Format.JSON).write().parquet(parquet);
        Map<Long, Row> again = solve(parquet, SparkSolve.Format.PARQUET, 1, 64, false);
        assertEquals(rows.keySet(), again.keySet());
        for (Map.Entry<Long, Row> e : rows.entrySet()) {
            assertEquals(e.getValue(), again.get(e.getKey()), "row " + e.getKey());
        }
    }

    private static void assertQpEquals(Row row, Tensor p, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h,
            Tensor cot) {
        int n = q.size();
        Var[] params = {Var.param(p), Var.param(q), Var.param(a), Var.param(b), Var.param(g), Var.param(h)};
        QpOutput out = DifferentiableQp.solveWithMultipliers(params[0], params[1].reshape(1, n), params[2],
                params[3].reshape(1, b.size()), params[4], params[5].reshape(1, h.size()),
                QpOptions.defaults().withFailurePolicy(FailurePolicy.FLAG));
        Status status = QpStatusCheck.verify(out.report().instances()[0].status(), QpProblem.of(p, q, a, b, g, h),
                out.z().value().data(), out.nu().value().data(), out.lambda().value().data());
        Tensor[] grads = Autodiff.vjp(new Var[] {out.z().reshape(n)}, params, new Tensor[] {cot});
        assertEquals(status.label(), row.getString(2), "row " + row.getLong(0));
        assertNull(row.get(3));
        assertArrayEquals(out.z().value().data(), array(row.getList(4)), 0.0);
        Map<String, Object> grad = row.getJavaMap(5);
        String[] names = {"P", "q", "A", "b", "G", "h"};
        for (int i = 0; i < names.length; i++) {
            assertArrayEquals(grads[i].data(), array(asList(grad.get(names[i]))), 0.0, names[i]);
        }
        assertEquals(out.report().instances()[0].gradientStatus().label(), row.getString(6));
        assertEquals("kkt", row.getJavaMap(7).get("method"));
    }

    @Test
    void topkAndBoxRowsEqualTheirSingleInstanceResults() {
        Tensor c = Tensor.vector(1.0, 0.5, -0.3, 2.0, 0.1);
        Var cv = Var.param(c);
        Var x = TopK.layer(cv.reshape(1, 5), 2, 0.2, TopK.Entropy.BINARY).reshape(5);
        Tensor grad = Autodiff.vjp(new Var[] {x}, new Var[] {cv}, new Tensor[] {Tensor.vector(1, 0, 0, -1, 2)})[0];
        Row top = rows.get(102L);
        assertEquals("optimal", top.getString(2));
        assertArrayEquals(x.value().data(), array(top.getList(4)), 0.0);
        assertArrayEquals(grad.data(), array(asList(top.getJavaMap(5).get("c"))), 0.0);
        assertEquals("optimal", rows.get(103L).getString(2));

        Row box = rows.get(104L);
        assertEquals("optimal", box.getString(2));
        assertEquals(3, box.getList(4).size());
        double[] boxGrad = array(asList(box.getJavaMap(5).get("c")));
        assertEquals(3, boxGrad.length);
        for (double v : boxGrad) {
            assertTrue(Double.isFinite(v));
        }
        assertNotNull(box.getJavaMap(7).get("method"));
    }

    @Test
    void invalidRowsBecomeStatusRowsNamingTheRowAndTheCause() {
        Map<Long, String> causes = Map.of(
                200L, "positive semidefinite",
                201L, "column \"q\" entry [1] must be a finite number",
                202L, "column \"P\" must be 3 x 3",
                203L, "column \"family\" must be one of",
                204L, "column \"k\" must satisfy 0 < k < n = 3",
                205L, "column \"g\" must have 2 entries");
        causes.forEach((id, cause) -> {
            Row r = rows.get(id);
            assertEquals(InstanceSchema.INVALID, r.getString(2), "row " + id);
            assertTrue(r.getString(3).startsWith("row " + id + ": "), r.getString(3));
            assertTrue(r.getString(3).contains(cause), r.getString(3));
            assertNull(r.get(4));
        });
        List<Row> corrupt = rows.values().stream().filter(r -> r.getString(3) != null
                && r.getString(3).contains("not a valid instance")).toList();
        assertEquals(2, corrupt.size(), "the truncated line and the line with a string for k: " + corrupt);
        assertTrue(corrupt.stream().anyMatch(r -> r.getLong(0) < 0), "a line without a readable id gets a negative one");
    }

    @Test
    void jacobiansTimesTheCotangentsAreTheVjps() {
        Map<Long, Row> withJacobians = solve(json.toString(), SparkSolve.Format.JSON, 2, 4, true);
        int checked = 0;
        for (Row r : withJacobians.values()) {
            if (r.get(5) == null) {
                assertEquals(r.get(4) == null, r.get(8) == null, "a Jacobian for every solved row: " + r.getLong(0));
                continue;
            }
            double[] x = array(r.getList(4));
            double[] g = InstanceGenerator.qp(SEED, Math.max(0, r.getLong(0)), N, EQ, INEQ)[6].data();
            if (r.getLong(0) >= 100) {
                g = Map.of(100L, new double[] {1, -2, 0.5}, 102L, new double[] {1, 0, 0, -1, 2}, 104L,
                        new double[] {1, 1, 1}).get(r.getLong(0));
            }
            Map<String, Object> grad = r.getJavaMap(5);
            Map<String, Object> jac = r.getJavaMap(8);
            assertEquals(grad.keySet(), jac.keySet(), "row " + r.getLong(0));
            for (String p : grad.keySet()) {
                double[] vjp = array(asList(grad.get(p)));
                double[] j = array(asList(jac.get(p)));
                assertEquals(x.length * vjp.length, j.length, p);
                for (int e = 0; e < vjp.length; e++) {
                    double sum = 0;
                    for (int i = 0; i < x.length; i++) {
                        sum += g[i] * j[i * vjp.length + e];
                    }
                    assertEquals(vjp[e], sum, 1e-9 * (1 + Math.abs(vjp[e])), "row " + r.getLong(0) + " " + p + "[" + e
                            + "]");
                }
            }
            checked++;
        }
        assertEquals(QPS + 3, checked, "every row with a cotangent");
    }

    @Test
    void solveCommandWritesParquetAndCountsTheStatuses() {
        StringWriter out = new StringWriter();
        CommandLine cmd = SparkMain.commandLine();
        cmd.setOut(new PrintWriter(out));
        String results = dir.resolve("results.parquet").toString();
        assertEquals(0, cmd.execute("solve", json.toString(), "--out", results, "--batch", "8"));
        assertTrue(out.toString().contains((QPS + 13) + " instances in "), out.toString());
        assertTrue(out.toString().contains("invalid-input: 8"), out.toString());
        assertEquals(QPS + 13, spark.read().parquet(results).count());
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        assertEquals(1, cmd.execute("solve", json.toString(), "--out", results), "the output exists");
        assertTrue(err.toString().startsWith("foldopt spark: "), err.toString());
    }

    private static List<Object> asList(Object o) {
        return o instanceof List<?> l ? List.copyOf(l)
                : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) o);
    }

    private static double[] array(List<?> list) {
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) list.get(i)).doubleValue();
        }
        return d;
    }
}
