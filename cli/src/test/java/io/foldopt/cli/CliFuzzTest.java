package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foldopt.linalg.DenseLU;
import io.foldopt.status.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the command line. Random valid problems of every family, then malformed copies of them
 * (missing, unknown and repeated keys, wrong types, non-finite and extreme numbers, empty lists, wrong shapes,
 * trailing content) and random bad options of every command. Each run must end in one of three outcome classes:
 * <ol>
 *   <li>a one-line error on stderr, exit code 1 or 2, no stack trace and no internal error, naming the key or
 *       option that is wrong when the input was broken on purpose;
 *   <li>a status other than optimal, printed, with its exit code;
 *   <li>status optimal, exit code 0, and an answer that passes an independent check: the KKT conditions of the
 *       QP, the closed form of the top-k solution, first- and second-order local optimality on the box; and the
 *       vector-Jacobian product equal to the cotangent times the Jacobian.
 * </ol>
 */
class CliFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 20_261_205L;

    @TempDir
    Path dir;

    private int files;

    // ------------------------------------------------------------------ valid instances

    /** A random well-posed problem of the family, keys in file order. */
    private static Map<String, Object> validProblem(String family, SplittableRandom rnd) {
        int n = 2 + rnd.nextInt(5);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", family);
        switch (family) {
            case "qp" -> {
                m.put("P", spd(n, 0.1, rnd));
                m.put("q", vector(n, rnd, 2));
                double[] interior = vector(n, rnd, 1);
                if (rnd.nextBoolean()) {
                    double[][] a = matrix(1 + rnd.nextInt(n - 1), n, rnd);
                    m.put("A", a);
                    m.put("b", times(a, interior, 0, rnd));
                }
                if (rnd.nextBoolean()) {
                    double[][] g = matrix(1 + rnd.nextInt(2 * n), n, rnd);
                    m.put("G", g);
                    m.put("h", times(g, interior, 0.5, rnd));
                }
            }
            case "topk" -> {
                m.put("c", vector(n, rnd, 2));
                m.put("k", 1 + rnd.nextInt(n - 1));
                m.put("eps", Math.pow(10, -1.5 + 2.5 * rnd.nextDouble()));
                int entropy = rnd.nextInt(3);
                if (entropy > 0) {
                    m.put("entropy", entropy == 1 ? "binary" : "shannon");
                }
            }
            case "box-nonconvex-qp" -> {
                double[] c = vector(n, rnd, 2);
                double cMax = Arrays.stream(c).map(Math::abs).max().orElse(0);
                // Q - diag(c sin x) is positive definite on the whole box: the local check below is a global one.
                m.put("Q", spd(n, cMax + 0.1, rnd));
                m.put("c", c);
                double width = 0.5 + 1.5 * rnd.nextDouble();
                m.put("lower", -width * rnd.nextDouble() - 0.1);
                m.put("upper", width * rnd.nextDouble() + 0.1);
            }
            default -> throw new IllegalArgumentException(family);
        }
        return m;
    }

    /** @return {@code M^T M / n + shift I} for a standard-normal {@code M} */
    private static double[][] spd(int n, double shift, SplittableRandom rnd) {
        double[][] m = matrix(n, n, rnd);
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    p[i][j] += m[k][i] * m[k][j] / n;
                }
            }
            p[i][i] += shift;
        }
        return p;
    }

    private static double[][] matrix(int rows, int cols, SplittableRandom rnd) {
        double[][] a = new double[rows][];
        for (int i = 0; i < rows; i++) {
            a[i] = vector(cols, rnd, 1);
        }
        return a;
    }

    private static double[] vector(int n, SplittableRandom rnd, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (2 * rnd.nextDouble() - 1);
        }
        return v;
    }

    /** @return {@code a x + slack * u} for uniform {@code u} in (0, 1): a right-hand side {@code x} satisfies */
    private static double[] times(double[][] a, double[] x, double slack, SplittableRandom rnd) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < x.length; j++) {
                r[i] += a[i][j] * x[j];
            }
            r[i] += slack * rnd.nextDouble();
        }
        return r;
    }

    // ------------------------------------------------------------------ running

    private Path write(String text) throws IOException {
        Path p = dir.resolve("fuzz-" + files++ + ".json");
        Files.writeString(p, text);
        return p;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts outcome class 1: one line on stderr, exit 1 or 2, nothing internal, naming every fragment. */
    private static void assertOneLineError(CliRun run, String input, String... fragments) {
        String context = input + "\n-> exit " + run.exitCode() + "\n" + run.err() + run.out();
        assertTrue(run.exitCode() == 1 || run.exitCode() == 2, context);
        assertEquals(1, run.errLines().size(), context);
        String line = run.errLines().get(0);
        assertTrue(line.startsWith("foldopt"), context);
        assertFalse(line.contains("internal error") || line.contains("Exception") || line.contains("\tat "), context);
        assertFalse(line.endsWith(": null") || line.contains("value: null") || line.contains("Input length"), context);
        for (String f : fragments) {
            assertTrue(line.contains(f), "missing '" + f + "' in " + context);
        }
        if (run.exitCode() == 1) {
            assertEquals("", run.out(), context);
        }
    }

    /**
     * Runs sensitivity on the problem, with the Jacobian and with a random cotangent, and checks the outcome class.
     *
     * @return the status, or null for an error
     */
    private Status checkProblem(String text, Map<String, Object> problem, SplittableRandom rnd) throws IOException {
        Path file = write(text);
        CliRun jac = CliRun.of("sensitivity", file.toString(), "--json");
        if (jac.exitCode() == 1 || jac.exitCode() == 2) {
            assertOneLineError(jac, text);
            return null;
        }
        JsonNode out = JSON.readTree(jac.out());
        Status status = status(out.get("status").asText());
        assertEquals(status.exitCode(), jac.exitCode(), text);
        assertTrue(jac.err().isEmpty(), jac.err());
        if (status != Status.OPTIMAL) {
            return status;
        }
        double[] x = doubles(out.get("x"));
        for (double v : x) {
            assertTrue(Double.isFinite(v), "optimal with a non-finite solution: " + text + "\n" + jac.out());
        }
        switch ((String) problem.get("family")) {
            case "qp" -> assertKkt(problem, x, text);
            case "topk" -> assertTopK(problem, x, text);
            default -> assertBoxLocalMinimum(problem, x, rnd, text);
        }
        double[] g = vector(x.length, rnd, 1);
        CliRun vjp = CliRun.of("sensitivity", file.toString(), "--json", "--cotangent",
                write(json(Map.of("x", g))).toString());
        assertEquals(0, vjp.exitCode(), vjp.err());
        JsonNode grads = JSON.readTree(vjp.out()).get("grad");
        JsonNode jacobians = out.get("jacobian");
        double dataMax = dataMax(problem);
        grads.fieldNames().forEachRemaining(key -> assertVjpIsCotangentTimesJacobian(grads.get(key),
                jacobians.get(key), g, dataMax, text + " key " + key));
        return status;
    }

    private static Status status(String label) {
        for (Status s : Status.values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new AssertionError("unknown status " + label);
    }

    /** @return the largest absolute number of the problem's arrays */
    private static double dataMax(Map<String, Object> problem) {
        double max = 0;
        for (Object v : problem.values()) {
            if (v instanceof double[] row) {
                max = Math.max(max, Arrays.stream(row).map(Math::abs).max().orElse(0));
            } else if (v instanceof double[][] rows) {
                for (double[] row : rows) {
                    max = Math.max(max, Arrays.stream(row).map(Math::abs).max().orElse(0));
                }
            }
        }
        return max;
    }

    /**
     * The VJP equals the cotangent times the Jacobian to rounding errors, which grow with the size of the data
     * (a QP's multipliers, which multiply the adjoint in the gradients of A and G, are as large as q).
     */
    private static void assertVjpIsCotangentTimesJacobian(JsonNode grad, JsonNode jacobian, double[] g,
            double dataMax, String what) {
        double[] flat = doubles(grad);
        double[][] rows = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            rows[i] = doubles(jacobian.get(i));
        }
        for (int p = 0; p < flat.length; p++) {
            double expected = 0;
            double scale = 0;
            for (int i = 0; i < g.length; i++) {
                expected += g[i] * rows[i][p];
                scale += Math.abs(g[i] * rows[i][p]);
            }
            assertEquals(expected, flat[p], (1e-9 + 1e-15 * dataMax) * (1 + scale), what + " entry " + p);
        }
    }

    /** @return the numbers of a (nested) JSON list, flattened row-major */
    private static double[] doubles(JsonNode node) {
        List<Double> values = new ArrayList<>();
        flatten(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode node, List<Double> values) {
        if (node.isArray()) {
            node.forEach(e -> flatten(e, values));
        } else {
            values.add(node.asDouble());
        }
    }

    // ------------------------------------------------------------------ independent checks

    /**
     * The KKT conditions at {@code x}: primal feasibility, and multipliers (least squares over the equalities and
     * the active inequalities) that make the Lagrangian stationary, with the inequality multipliers non-negative.
     */
    private static void assertKkt(Map<String, Object> p, double[] x, String text) {
        double[][] pm = (double[][]) p.get("P");
        double[] q = (double[]) p.get("q");
        double[][] a = (double[][]) p.getOrDefault("A", new double[0][]);
        double[] b = (double[]) p.getOrDefault("b", new double[0]);
        double[][] g = (double[][]) p.getOrDefault("G", new double[0][]);
        double[] h = (double[]) p.getOrDefault("h", new double[0]);
        int n = x.length;
        double tol = 1e-6 * (1 + norm(x));
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], dot(a[i], x), tol, "equality " + i + " violated: " + text);
        }
        List<double[]> columns = new ArrayList<>(Arrays.asList(a));
        List<Boolean> signed = new ArrayList<>(java.util.Collections.nCopies(a.length, false));
        for (int i = 0; i < g.length; i++) {
            double slack = h[i] - dot(g[i], x);
            assertTrue(slack >= -tol, "inequality " + i + " violated by " + -slack + ": " + text);
            if (slack <= tol) {
                columns.add(g[i]);
                signed.add(true);
            }
        }
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = dot(pm[i], x) + q[i];
        }
        int k = columns.size();
        double[] y = new double[k];
        if (k > 0) {
            double[] normal = new double[k * k];
            double[] rhs = new double[k];
            for (int s = 0; s < k; s++) {
                for (int t = 0; t < k; t++) {
                    normal[s * k + t] = dot(columns.get(s), columns.get(t)) + (s == t ? 1e-12 : 0);
                }
                rhs[s] = -dot(columns.get(s), r);
            }
            y = DenseLU.factor(normal, k).solve(rhs);
        }
        double[] stationarity = r.clone();
        for (int s = 0; s < k; s++) {
            for (int i = 0; i < n; i++) {
                stationarity[i] += y[s] * columns.get(s)[i];
            }
            if (signed.get(s)) {
                assertTrue(y[s] >= -1e-5 * (1 + norm(r)), "negative multiplier " + y[s] + ": " + text);
            }
        }
        assertTrue(norm(stationarity) <= 1e-5 * (1 + norm(r) + norm(q)),
                "KKT stationarity residual " + norm(stationarity) + ": " + text);
    }

    /**
     * Feasibility ({@code 0 <= x <= 1}, {@code sum x = k}), order (a larger score never gets a smaller weight) and
     * the closed form {@code x_i = phi((c_i - nu) / eps)} with one multiplier {@code nu} for all coordinates.
     */
    private static void assertTopK(Map<String, Object> p, double[] x, String text) {
        double[] c = (double[]) p.get("c");
        int k = (Integer) p.get("k");
        double eps = (Double) p.get("eps");
        boolean shannon = "shannon".equals(p.get("entropy"));
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            assertTrue(x[i] >= 0 && x[i] <= 1, "x outside [0, 1]: " + text);
            sum += x[i];
            for (int j = 0; j < x.length; j++) {
                if (c[i] > c[j]) {
                    assertTrue(x[i] >= x[j] - 1e-12, "a larger score got a smaller weight: " + text);
                }
            }
        }
        assertEquals(k, sum, 1e-8 * k, "sum x != k: " + text);
        double nuMin = Double.POSITIVE_INFINITY;
        double nuMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > 1e-9 && x[i] < 1 - 1e-9) {
                double nu = shannon ? c[i] - eps * (Math.log(x[i]) + 1) : c[i] - eps * Math.log(x[i] / (1 - x[i]));
                nuMin = Math.min(nuMin, nu);
                nuMax = Math.max(nuMax, nu);
            }
        }
        if (nuMin <= nuMax) {
            assertTrue(nuMax - nuMin <= 1e-5 * (1 + eps + Math.abs(nuMax)), "no single multiplier nu: " + text);
        }
    }

    /**
     * First order: {@code x} is a fixed point of the projected gradient step. Second order: no feasible point
     * nearby, in random directions, has a smaller objective.
     */
    private static void assertBoxLocalMinimum(Map<String, Object> p, double[] x, SplittableRandom rnd, String text) {
        double[][] q = (double[][]) p.get("Q");
        double[] c = (double[]) p.get("c");
        double lower = (Double) p.get("lower");
        double upper = (Double) p.get("upper");
        int n = x.length;
        for (int i = 0; i < n; i++) {
            assertTrue(x[i] >= lower && x[i] <= upper, "x outside the box: " + text);
            double grad = dot(q[i], x) + c[i] * Math.cos(x[i]);
            double step = Math.min(Math.max(x[i] - grad, lower), upper);
            assertEquals(x[i], step, 1e-7 * (1 + Math.abs(grad)), "not stationary in coordinate " + i + ": " + text);
        }
        double f = boxObjective(q, c, x);
        for (int trial = 0; trial < 16; trial++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = Math.min(Math.max(x[i] + 1e-3 * (upper - lower) * (2 * rnd.nextDouble() - 1), lower), upper);
            }
            assertTrue(boxObjective(q, c, y) >= f - 1e-10 * (1 + Math.abs(f)), "a nearby point is lower: " + text);
        }
    }

    private static double boxObjective(double[][] q, double[] c, double[] x) {
        double f = 0;
        for (int i = 0; i < x.length; i++) {
            f += 0.5 * x[i] * dot(q[i], x) + c[i] * Math.sin(x[i]);
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    // ------------------------------------------------------------------ the fuzz runs

    private static final String[] FAMILIES = {"qp", "topk", "box-nonconvex-qp"};

    @Test
    void validProblemsAreOptimalAndCheckIndependently() throws IOException {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int optimal = 0;
        int total = 36;
        for (int t = 0; t < total; t++) {
            Map<String, Object> problem = validProblem(FAMILIES[t % FAMILIES.length], rnd);
            if (checkProblem(json(problem), problem, rnd) == Status.OPTIMAL) {
                optimal++;
            }
        }
        assertTrue(optimal >= total * 9 / 10, "only " + optimal + " of " + total + " well-posed problems optimal");
    }

    /** One way to break a valid file, the fragments its error must contain, and the broken text. */
    private record Broken(String text, String... fragments) {}

    /** @return the problem broken by one random mutation */
    private static Broken mutate(Map<String, Object> problem, SplittableRandom rnd) {
        List<String> keys = new ArrayList<>(problem.keySet());
        String key = keys.get(1 + rnd.nextInt(keys.size() - 1));
        Map<String, Object> m = new LinkedHashMap<>(problem);
        String valid = json(problem);
        switch (rnd.nextInt(10)) {
            case 0 -> {
                if (key.equals("entropy")) {
                    m.put(key, "renyi");
                    return new Broken(json(m), "key \"entropy\" must be \"binary\" or \"shannon\"");
                }
                m.remove(key);
                return new Broken(json(m), "key \"" + key + "\" is missing");
            }
            case 1 -> {
                String unknown = switch (rnd.nextInt(3)) {
                    case 0 -> key.length() == 1 ? (Character.isUpperCase(key.charAt(0)) ? key.toLowerCase()
                            : key.toUpperCase()) : key + "s";
                    case 1 -> "x" + rnd.nextInt(1000);
                    default -> "";
                };
                if (m.containsKey(unknown)) {
                    unknown = unknown + "_";
                }
                m.put(unknown, 1);
                return new Broken(json(m), "key \"" + unknown + "\" is not a key of this file");
            }
            case 2 -> {
                String again = ", \"" + key + "\": " + json(problem.get(key)) + "}";
                return new Broken(valid.substring(0, valid.length() - 1) + again, "key \"" + key + "\" appears twice");
            }
            case 3 -> {
                String[] tails = {" x", "{}", "]", " 1", "}", " // note", "\n{\"family\": \"qp\"}", ","};
                return new Broken(valid + tails[rnd.nextInt(tails.length)], "after the JSON object");
            }
            case 4 -> {
                Object[] wrong = {"text", true, Map.of("a", 1), List.of(List.of(List.of(1))), List.of("a"), 1.5,
                    List.of()};
                Object replacement = wrong[rnd.nextInt(wrong.length)];
                if (sameKind(problem.get(key), replacement)) {
                    replacement = Map.of("a", 1);
                }
                m.put(key, replacement);
                return new Broken(json(m), "key \"" + key + "\"");
            }
            case 5 -> {
                String[] bad = {"NaN", "Infinity", "-Infinity", "1e309", "-1e400"};
                return replaceNumber(problem, rnd, bad[rnd.nextInt(bad.length)], "must be a finite number");
            }
            case 6 -> {
                String numeric = numericKey(problem, rnd);
                m.put(numeric, List.of());
                return new Broken(json(m), "key \"" + numeric + "\" must be a");
            }
            case 7 -> {
                if (problem.get("family").equals("topk")) {
                    return replaceNumber(problem, rnd, "NaN", "got NaN");
                }
                String numeric = numericKey(problem, rnd);
                Object value = problem.get(numeric);
                m.put(numeric, value instanceof double[][] rows ? Arrays.copyOf(rows, rows.length + 1 + rnd.nextInt(2))
                        : Arrays.copyOf((double[]) value, ((double[]) value).length + 1));
                if (value instanceof double[][] rows) {
                    double[][] grown = (double[][]) m.get(numeric);
                    for (int i = rows.length; i < grown.length; i++) {
                        grown[i] = vector(rows[0].length + (rnd.nextBoolean() ? 1 : 0), rnd, 1);
                    }
                }
                return new Broken(json(m), "key \"");
            }
            case 8 -> {
                String[] bad = {"\"1\"", "null", "[1]", "true"};
                return replaceNumber(problem, rnd, bad[rnd.nextInt(bad.length)], "");
            }
            default -> {
                int cut = 1 + rnd.nextInt(valid.length() - 1);
                return new Broken(valid.substring(0, cut), "");
            }
        }
    }

    private static boolean sameKind(Object value, Object replacement) {
        return (value instanceof Number && replacement instanceof Number && !(value instanceof Integer))
                || (value instanceof String && replacement instanceof String);
    }

    /** @return a key holding a vector or a matrix */
    private static String numericKey(Map<String, Object> problem, SplittableRandom rnd) {
        List<String> keys = problem.entrySet().stream()
                .filter(e -> e.getValue() instanceof double[] || e.getValue() instanceof double[][])
                .map(Map.Entry::getKey).toList();
        return keys.get(rnd.nextInt(keys.size()));
    }

    /** @return the problem with one random entry of a vector or matrix replaced by {@code literal} */
    private static Broken replaceNumber(Map<String, Object> problem, SplittableRandom rnd, String literal,
            String fragment) {
        String key = numericKey(problem, rnd);
        Map<String, Object> m = new LinkedHashMap<>(problem);
        String marker = "123456.789";
        Object value = problem.get(key);
        if (value instanceof double[][] rows) {
            double[][] copy = Arrays.stream(rows).map(double[]::clone).toArray(double[][]::new);
            copy[rnd.nextInt(copy.length)][rnd.nextInt(copy[0].length)] = Double.parseDouble(marker);
            m.put(key, copy);
        } else {
            double[] copy = ((double[]) value).clone();
            copy[rnd.nextInt(copy.length)] = Double.parseDouble(marker);
            m.put(key, copy);
        }
        return new Broken(json(m).replace(marker, literal), "key \"" + key + "\" entry [", fragment);
    }

    @Test
    void malformedProblemFilesAreOneLineErrorsNamingTheKey() throws IOException {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (int t = 0; t < 150; t++) {
            Map<String, Object> problem = validProblem(FAMILIES[t % FAMILIES.length], rnd);
            Broken broken = mutate(problem, rnd);
            CliRun run = CliRun.of("sensitivity", write(broken.text()).toString());
            assertOneLineError(run, broken.text(), broken.fragments());
        }
    }

    @Test
    void malformedCotangentsAreOneLineErrors() throws IOException {
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        Map<String, Object> problem = validProblem("qp", rnd);
        int n = ((double[]) problem.get("q")).length;
        Path file = write(json(problem));
        String[][] cases = {
            {"{\"x\": " + json(vector(n + 1, rnd, 1)) + "}", "must have " + n + " entries"},
            {"{\"x\": " + json(vector(n, rnd, 1)) + ", \"y\": 1}", "key \"y\" is not a key"},
            {"{\"X\": " + json(vector(n, rnd, 1)) + "}", "did you mean \"x\""},
            {"{\"x\": " + json(vector(n, rnd, 1)) + "} []", "after the JSON object"},
            {"{\"x\": [NaN" + ", 1".repeat(n - 1) + "]}", "entry [0] must be a finite number, got NaN"},
            {"{\"x\": []}", "must be a non-empty list"},
            {"{\"x\": 1}", "must be a non-empty list"},
            {"{}", "key \"x\" is missing"},
            {"[1, 2]", "expected a JSON object"},
        };
        for (String[] c : cases) {
            CliRun run = CliRun.of("sensitivity", file.toString(), "--cotangent", write(c[0]).toString());
            assertOneLineError(run, c[0], c[1]);
        }
    }

    @Test
    void extremeNumbersGiveAnErrorAFlaggedStatusOrACheckedAnswer() throws IOException {
        SplittableRandom rnd = new SplittableRandom(SEED + 3);
        double[] scales = {1e-300, 1e-8, 1e8, 1e150, 1e300};
        for (int t = 0; t < 20; t++) {
            Map<String, Object> problem = validProblem("qp", rnd);
            double scale = scales[rnd.nextInt(scales.length)];
            String key = rnd.nextBoolean() ? "q" : "P";
            Object value = problem.get(key);
            problem.put(key, value instanceof double[] v ? Arrays.stream(v).map(e -> e * scale).toArray()
                    : Arrays.stream((double[][]) value).map(r -> Arrays.stream(r).map(e -> e * scale).toArray())
                            .toArray(double[][]::new));
            checkProblem(json(problem), problem, rnd);
        }
        String[] texts = {
            "{\"family\": \"qp\", \"P\": [[1e308, 0], [0, 1e308]], \"q\": [1e308, -1e308]}",
            "{\"family\": \"qp\", \"P\": [[1e-308, 0], [0, 1e-308]], \"q\": [1, 1]}",
            "{\"family\": \"qp\", \"P\": [[0, 0], [0, 0]], \"q\": [1, 0]}",
            "{\"family\": \"qp\", \"P\": [[1, 0], [0, -1]], \"q\": [0, 0]}",
            "{\"family\": \"qp\", \"P\": [[1]], \"q\": [1], \"A\": [[0]], \"b\": [1]}",
            "{\"family\": \"box-nonconvex-qp\", \"Q\": [[1]], \"c\": [1], \"lower\": -1e-308, \"upper\": 1e-308}",
            "{\"family\": \"box-nonconvex-qp\", \"Q\": [[1, 2], [3, 1]], \"c\": [1, 1], \"lower\": -1, \"upper\": 1}",
            "{\"family\": \"box-nonconvex-qp\", \"Q\": [[1]], \"c\": [1], \"lower\": 1, \"upper\": 1}",
            "{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 0, \"eps\": 1}",
            "{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 1, \"eps\": 0}",
            "{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 1, \"eps\": -1}",
            "{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 1, \"eps\": 1, \"entropy\": \"renyi\"}",
            "{\"family\": \"topk\", \"c\": [1, 2, 3], \"k\": 99999999999, \"eps\": 1}",
        };
        for (String text : texts) {
            Map<String, Object> parsed = parse(text);
            checkProblem(text, parsed, rnd);
        }
    }

    /** @return the file's keys with vectors as double[], matrices as double[][], integers as Integer */
    private static Map<String, Object> parse(String text) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        JsonNode root = JSON.readTree(text);
        root.fieldNames().forEachRemaining(k -> {
            JsonNode v = root.get(k);
            if (v.isArray() && v.size() > 0 && v.get(0).isArray()) {
                double[][] rows = new double[v.size()][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = doubles(v.get(i));
                }
                m.put(k, rows);
            } else if (v.isArray()) {
                m.put(k, doubles(v));
            } else if (v.isInt()) {
                m.put(k, v.asInt());
            } else if (v.isNumber()) {
                m.put(k, v.asDouble());
            } else {
                m.put(k, v.asText());
            }
        });
        return m;
    }

    // ------------------------------------------------------------------ options

    @Test
    void badOptionsOfEveryCommandAreOneLineErrorsBeforeAnyWork() throws IOException {
        SplittableRandom rnd = new SplittableRandom(SEED + 4);
        Path problem = write(json(validProblem("topk", rnd)));
        Path notAFolder = write("{}");
        String[][] benchBad = {
            {"--n", "0"}, {"--n", "-3"}, {"--n", "abc"}, {"--n", "1e3"}, {"--n", "99999999999"},
            {"--batch", "0"}, {"--batch", "-1"}, {"--batch", ""}, {"--repeat", "0"}, {"--repeat", "-2"},
            {"--tol", "0"}, {"--tol", "1"}, {"--tol", "1e300"}, {"--tol", "-1e-8"}, {"--tol", "NaN"},
            {"--tol", "Infinity"}, {"--tol", "x"}, {"--threads", "0"}, {"--threads", "-1"}, {"--threads", "100000"},
            {"--seed", "x"}, {"--out", notAFolder.resolve("sub").toString()}, {"--bogus"}, {"--n"},
            {"--n", "100000", "--batch", "100000"}, {"--n", "5000", "--batch", "500"},
        };
        String[][] benchValid = {{"--n", "3"}, {"--batch", "2"}, {"--repeat", "1"}, {"--tol", "1e-6"},
            {"--threads", "1"}, {"--seed", "7"}, {"--json"}, {"--out", dir.resolve("bench").toString()}};
        for (int t = 0; t < 40; t++) {
            List<String> args = new ArrayList<>(List.of("bench", "backward"));
            String[] bad = benchBad[rnd.nextInt(benchBad.length)];
            for (String[] v : benchValid) {
                if (rnd.nextInt(3) == 0 && !v[0].equals(bad[0])) {
                    args.addAll(List.of(v));
                }
            }
            args.addAll(List.of(bad));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertOneLineError(run, String.join(" ", args), bad[0].equals("--n") && bad.length > 2 ? "" : bad[0]);
        }
        String[][] sensitivityBad = {
            {"sensitivity"}, {"sensitivity", dir.resolve("absent.json").toString()}, {"sensitivity", dir.toString()},
            {"sensitivity", problem.toString(), "--cotangent"},
            {"sensitivity", problem.toString(), "--cotangent", dir.resolve("absent.json").toString()},
            {"sensitivity", problem.toString(), "--cotangent", problem.toString(), "--jacobian"},
            {"sensitivity", problem.toString(), "--tol", "1e-3"}, {"sensitivity", problem.toString(), "extra.json"},
            {"sensitivity", problem.toString(), "--json=maybe"},
            {"run"}, {"run", "no-such-experiment"}, {"run", "portfolio", "--size", "huge"},
            {"run", "portfolio", "--epochs", "0"}, {"run", "portfolio", "--batch", "-1"},
            {"run", "portfolio", "--lr", "-1"}, {"run", "portfolio", "--lr", "x"},
            {"run", "portfolio", "--backward", "newton"}, {"run", "portfolio", "--threads", "0"},
            {"run", "portfolio", "--tol", "0"}, {"run", "portfolio", "--seed", "1.5"},
            {"list", "extra"}, {"bench"}, {"bench", "forward"}, {"nope"}, {"--bogus"},
        };
        for (String[] args : sensitivityBad) {
            assertOneLineError(CliRun.of(args), String.join(" ", args));
        }
    }
}
