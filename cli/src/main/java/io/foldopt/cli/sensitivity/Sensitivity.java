package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.VjpPlan;
import io.foldopt.autodiff.Var;
import io.foldopt.cli.MemoryBudget;
import io.foldopt.cli.Suggestions;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Solves a problem file and differentiates its solution {@code x^*}: the VJP
 * {@code (d x^* / d p)^T g} of a cotangent {@code g} for every parameter {@code p}, or the Jacobian
 * {@code d x^* / d p} (one VJP per coordinate of {@code x^*}). Every input is checked before any solve: the keys
 * of the file against its family's, the cotangent's length, and the memory of a Jacobian against the heap.
 */
public final class Sensitivity {
    /**
     * Memory per Jacobian entry, in bytes: the {@code double} itself, its boxed copy in the printed lists and its
     * printed text.
     */
    static final int BYTES_PER_JACOBIAN_ENTRY = 128;

    /**
     * What a family's problem file holds.
     *
     * @param family reads and solves the problem
     * @param keys every key the file may have, {@code family} first
     * @param solutionKey the vector whose length is that of the solution
     * @param parameterKeys the keys differentiated, in output order
     */
    record Schema(Family family, List<String> keys, String solutionKey, List<String> parameterKeys) {}

    /** The families by name. */
    static final Map<String, Schema> FAMILIES = new TreeMap<>(Map.of(
            "qp", new Schema(new QpFamily(), List.of("family", "P", "q", "A", "b", "G", "h"), "q",
                    List.of("P", "q", "A", "b", "G", "h")),
            "topk", new Schema(new TopKFamily(), List.of("family", "c", "k", "eps", "entropy"), "c", List.of("c")),
            "box-nonconvex-qp", new Schema(new BoxNonconvexQpFamily(),
                    List.of("family", "Q", "c", "lower", "upper"), "c", List.of("c"))));

    /** The only key of a cotangent file. */
    static final String COTANGENT_KEY = "x";

    private Sensitivity() {}

    /**
     * What was computed.
     *
     * @param family the problem family
     * @param status the solve status, computed by the family from checks on the solution
     * @param x the solution
     * @param derivatives by parameter: the VJP (shaped like the parameter) or the Jacobian (shape
     *     {@code (n, parameter shape)})
     * @param jacobian whether {@code derivatives} are Jacobians
     * @param backward the report of the (last) backward pass
     */
    public record Result(String family, Status status, Tensor x, Map<String, Tensor> derivatives, boolean jacobian,
            Map<String, Object> backward) {

        /** @return the result as JSON-ready maps and nested lists */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("family", family);
            m.put("status", status.label());
            m.put("x", nested(x));
            Map<String, Object> d = new LinkedHashMap<>();
            derivatives.forEach((k, v) -> d.put(k, nested(v)));
            m.put(jacobian ? "jacobian" : "grad", d);
            m.put("backward", backward);
            return m;
        }

        /** @return the result as readable text */
        public String toText() {
            StringBuilder sb = new StringBuilder();
            sb.append("family: ").append(family).append('\n');
            sb.append("status: ").append(status.label()).append('\n');
            sb.append("x: ").append(nested(x)).append('\n');
            derivatives.forEach((k, v) -> sb.append(jacobian ? "jacobian d x / d " : "grad ").append(k).append(": ")
                    .append(nested(v)).append('\n'));
            sb.append("backward: ").append(backward).append('\n');
            return sb.toString();
        }
    }

    /**
     * @param problem the problem file
     * @param cotangent the cotangent file {@code {"x": [..]}}, or null for the Jacobian
     * @return the solution and its derivatives
     * @throws IllegalArgumentException naming the file and key of a malformed input, or giving the memory estimate
     *     of a Jacobian that does not fit in the heap
     */
    public static Result run(Path problem, Path cotangent) {
        ProblemFile file = ProblemFile.read(problem);
        Schema schema = schema(file);
        file.allowOnly(schema.keys());
        long n = file.count(schema.solutionKey());
        Tensor g = null;
        if (cotangent != null) {
            g = readCotangent(cotangent, n);
        } else {
            requireJacobianMemory(file, schema, n);
        }
        String name = file.string("family");
        Family.Instance instance = schema.family().read(file);
        Var x = instance.solution();
        List<String> keys = new ArrayList<>(instance.parameters().keySet());
        Var[] params = instance.parameters().values().toArray(new Var[0]);
        VjpPlan plan = Autodiff.plan(new Var[] {x}, params);
        Map<String, Tensor> derivatives = new LinkedHashMap<>();
        if (g != null) {
            Tensor[] grads = plan.apply(g);
            for (int i = 0; i < params.length; i++) {
                derivatives.put(keys.get(i), grads[i]);
            }
        } else {
            Tensor[] jacobians = jacobians(plan, x.value().size(), params);
            for (int i = 0; i < params.length; i++) {
                derivatives.put(keys.get(i), jacobians[i]);
            }
        }
        return new Result(name, instance.status(), x.value(), derivatives, cotangent == null,
                instance.backwardReport().get());
    }

    /** @return the schema of the file's {@code family} */
    private static Schema schema(ProblemFile file) {
        String families = String.join(", ", FAMILIES.keySet());
        if (!file.has("family")) {
            throw file.error("family", "is missing; it names the problem: one of " + families);
        }
        String name = file.string("family");
        Schema schema = FAMILIES.get(name);
        if (schema == null) {
            String hint = Suggestions.closest(name, FAMILIES.keySet()).map(f -> "; did you mean \"" + f + "\"?")
                    .orElse("");
            throw file.error("family", "must be one of " + families + ", got \"" + name + "\"" + hint);
        }
        return schema;
    }

    /** @return the cotangent of the file, checked to have the solution's length {@code n} */
    private static Tensor readCotangent(Path path, long n) {
        ProblemFile file = ProblemFile.read(path);
        file.allowOnly(List.of(COTANGENT_KEY));
        Tensor g = file.vector(COTANGENT_KEY);
        if (g.size() != n) {
            throw file.error(COTANGENT_KEY, "must have " + n + " entries, one per entry of the solution, got "
                    + g.size());
        }
        return g;
    }

    /**
     * Refuses a Jacobian whose memory, {@link #BYTES_PER_JACOBIAN_ENTRY} per entry of {@code n} rows of every
     * parameter, exceeds the heap, or whose largest block exceeds a Java array.
     */
    private static void requireJacobianMemory(ProblemFile file, Schema schema, long n) {
        long entries = 0;
        long largest = 0;
        List<String> present = new ArrayList<>();
        for (String key : schema.parameterKeys()) {
            if (file.has(key)) {
                long block = MemoryBudget.times(n, file.count(key));
                entries = MemoryBudget.plus(entries, block);
                largest = Math.max(largest, block);
                present.add(key);
            }
        }
        MemoryBudget.require("the Jacobian of x (n = " + n + ") with respect to " + String.join(", ", present)
                        + " (" + String.format(Locale.ROOT, "%,d", entries) + " entries)",
                MemoryBudget.times(entries, BYTES_PER_JACOBIAN_ENTRY), largest,
                "ask for one vector-Jacobian product instead with --cotangent G.json");
    }

    /** @return the Jacobian {@code d x / d p} of each parameter, shape {@code (n, p's shape)}, one VJP per row */
    private static Tensor[] jacobians(VjpPlan plan, int n, Var[] params) {
        double[][] rows = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            rows[i] = new double[Math.multiplyExact(n, params[i].value().size())];
        }
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            Tensor[] grads = plan.apply(Tensor.wrap(e, n));
            for (int i = 0; i < params.length; i++) {
                int size = grads[i].size();
                System.arraycopy(grads[i].data(), 0, rows[i], j * size, size);
            }
        }
        Tensor[] jacobians = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            int[] ps = params[i].shape();
            int[] js = new int[ps.length + 1];
            js[0] = n;
            System.arraycopy(ps, 0, js, 1, ps.length);
            jacobians[i] = Tensor.wrap(rows[i], js);
        }
        return jacobians;
    }

    /** @return the tensor as nested lists (a number for a scalar) */
    static Object nested(Tensor t) {
        return nested(t.data(), t.shape(), 0, 0);
    }

    private static Object nested(double[] d, int[] shape, int axis, int offset) {
        if (axis == shape.length) {
            return d[offset];
        }
        int stride = 1;
        for (int k = axis + 1; k < shape.length; k++) {
            stride *= shape[k];
        }
        List<Object> list = new ArrayList<>(shape[axis]);
        for (int i = 0; i < shape[axis]; i++) {
            list.add(nested(d, shape, axis + 1, offset + i * stride));
        }
        return list;
    }
}
