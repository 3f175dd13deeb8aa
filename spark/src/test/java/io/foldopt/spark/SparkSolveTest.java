package io.foldopt.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.algorithms.FoldableAlgorithm;
import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.algorithms.SmoothObjective;
import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.check.GradientCheck;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.projection.Projections;
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
        var out = SparkSolve.solve(SparkSolve.read(spark, path, format).repartition(partitions),
                new SparkSolve.Options(batch, 1, jacobian, List.of()));
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
            assertEquals(Status.INVALID_INPUT.label(), r.getString(2), "row " + id);
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

    /**
     * A user's family defined here: projected gradient over the box {@code [-1, 1]^n} on
     * {@code f(x; a, b) = a^2/2 ||x||^2 + 1/4 sum_i x_i^4 - b^T x}, the row's parameters {@code c = (a, b)}.
     */
    public static final class QuarticBoxFamily implements FoldableFamily {
        private static final long serialVersionUID = 1L;
        static final double STEP = 0.15;

        @Override
        public String name() {
            return "quartic-box";
        }

        @Override
        public FoldableAlgorithm algorithm(int length) {
            if (length < 2) {
                throw new IllegalArgumentException("c = (a, b) needs at least 2 entries, got " + length);
            }
            SmoothObjective f = (x, c) -> {
                Var a = c[0].slice(0, 1);
                Var b = c[0].slice(1, length);
                return x.mul(x).mul(a.mul(a)).mul(0.5).add(x.pow(4).mul(0.25)).sub(b.mul(x)).sum(-1);
            };
            return new ProjectedGradient(length - 1, f, y -> Projections.box(y, -1, 1), STEP);
        }

        @Override
        public FoldOptions options() {
            return FoldOptions.defaults().withForward(1e-12, 1000);
        }
    }

    /** The single-machine folded layer of the family on one row: {@code x*(c)} and {@code (d x* / d c)^T g}. */
    private static Tensor[] alone(double[] c, double[] g) {
        FoldableFamily family = new QuarticBoxFamily();
        FoldedLayer layer = family.algorithm(c.length).layer(family.options().withOnFailure(FailurePolicy.FLAG));
        Var cv = Var.param(Tensor.wrap(c.clone(), 1, c.length));
        Var x = layer.apply(cv);
        return new Tensor[] {x.value(), g == null ? null
                : Autodiff.vjp(new Var[] {x}, new Var[] {cv}, new Tensor[] {Tensor.wrap(g, 1, g.length)})[0]};
    }

    @Test
    void userFamilyRowsEqualTheSingleMachineFoldedLayerAndFailuresAreStatusRows() throws Exception {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(SEED);
        Map<Long, double[][]> valid = new HashMap<>();
        StringBuilder lines = new StringBuilder();
        for (long id = 0; id < 12; id++) {
            int n = id < 9 ? 3 : 5;
            double[] c = new double[n + 1];
            c[0] = 0.6 + 0.8 * rng.nextDouble();
            for (int i = 1; i <= n; i++) {
                c[i] = 3 * rng.nextDouble() - 1.5;
            }
            double[] g = id % 3 == 0 ? null : rng.doubles(n, -1, 1).toArray();
            valid.put(id, new double[][] {c, g});
            lines.append("{\"id\": ").append(id).append(id % 2 == 0 ? ", \"family\": \"quartic-box\"" : "")
                    .append(", \"c\": ").append(java.util.Arrays.toString(c))
                    .append(g == null ? "" : ", \"g\": " + java.util.Arrays.toString(g)).append("}\n");
        }
        lines.append("""
                {"id": 30, "c": [4, 0.1, -0.2, 0.05], "g": [1, 1, 1]}
                {"id": 31, "c": [0, 0, 0, 0], "g": [1, -1, 0.5]}
                {"id": 32, "c": [1, NaN, 0, 0]}
                {"id": 33, "c": [1]}
                {"id": 34, "c": [1, 0.5, 0.5, 0.5], "g": [1, 1]}
                {"id": 35, "family": "lp", "c": [1, 0.5]}
                """);
        Path file = dir.resolve("quartic.jsonl");
        Files.writeString(file, lines);
        // The command line loads the family by its class; rows without a family are of it.
        StringWriter text = new StringWriter();
        CommandLine cmd = SparkMain.commandLine();
        cmd.setOut(new PrintWriter(text));
        String results = dir.resolve("quartic.parquet").toString();
        assertEquals(0, cmd.execute("solve", file.toString(), "--out", results, "--family",
                "class:" + QuarticBoxFamily.class.getName(), "--batch", "4", "--jacobian"));
        assertTrue(text.toString().contains("invalid-input: 4") && text.toString().contains("optimal: 13"),
                text.toString());
        Map<Long, Row> out = new HashMap<>();
        for (Row r : spark.read().parquet(results).collectAsList()) {
            out.put(r.getLong(0), r);
        }
        assertEquals(18, out.size());
        for (Map.Entry<Long, double[][]> e : valid.entrySet()) {
            Row r = out.get(e.getKey());
            Tensor[] expected = alone(e.getValue()[0], e.getValue()[1]);
            assertEquals("quartic-box", r.getString(1));
            assertEquals("optimal", r.getString(2), "row " + e.getKey() + ": " + r.getString(3));
            assertArrayEquals(expected[0].data(), array(r.getList(4)), 0.0, "x of row " + e.getKey());
            if (expected[1] == null) {
                assertNull(r.get(5));
                assertEquals(r.getList(4).size() * e.getValue()[0].length, asList(r.getJavaMap(8).get("c")).size());
                continue;
            }
            double[] vjp = array(asList(r.getJavaMap(5).get("c")));
            assertArrayEquals(expected[1].data(), vjp, 0.0, "row " + e.getKey());
            double[] jac = array(asList(r.getJavaMap(8).get("c")));
            double[] g = e.getValue()[1];
            for (int j = 0; j < vjp.length; j++) {
                double sum = 0;
                for (int i = 0; i < g.length; i++) {
                    sum += g[i] * jac[i * vjp.length + j];
                }
                assertEquals(vjp[j], sum, 1e-12 * (1 + Math.abs(vjp[j])), "J^T g of row " + e.getKey());
            }
            assertEquals("optimal", r.getString(6));
            assertEquals("direct", r.getJavaMap(7).get("method"));
        }
        Row diverging = out.get(30L);
        assertEquals("numerical-failure", diverging.getString(2));
        assertTrue(diverging.getString(3).startsWith("row 30: ") && diverging.getString(3).contains("did not converge"),
                diverging.getString(3));
        assertNull(diverging.get(4));
        Row flat = out.get(31L);
        assertEquals("optimal", flat.getString(2), "x = 0 is a fixed point");
        assertEquals("singular", flat.getString(6), "zero curvature: I - Phi = 0");
        Map<Long, String> invalid = Map.of(32L, "column \"c\" entry [1] must be a finite number",
                33L, "needs at least 2 entries", 34L, "column \"g\" must have 3 entries",
                35L, "must be one of [box-nonconvex-qp, qp, quartic-box, topk]");
        invalid.forEach((id, cause) -> {
            assertEquals("invalid-input", out.get(id).getString(2), "row " + id);
            assertTrue(out.get(id).getString(3).contains(cause), out.get(id).getString(3));
        });

        // The family's folded gradient agrees with central finite differences.
        double[] c = valid.get(1L)[0];
        FoldableFamily family = new QuarticBoxFamily();
        FoldedLayer layer = family.algorithm(c.length).layer(family.options());
        assertTrue(GradientCheck.check(p -> layer.apply(p[0]), new Tensor[] {Tensor.wrap(c.clone(), 1, c.length)}, 3,
                1e-6, SEED).passes(1e-5));

        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        assertEquals(2, cmd.execute("solve", file.toString(), "--out", dir.resolve("x").toString(), "--family",
                "class:java.lang.String"));
        assertTrue(err.toString().contains("does not implement io.foldopt.spark.FoldableFamily"), err.toString());
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
