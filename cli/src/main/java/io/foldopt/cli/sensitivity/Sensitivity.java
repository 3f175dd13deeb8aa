package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.VjpPlan;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Solves a problem file and differentiates its solution {@code x^*}: the VJP
 * {@code (d x^* / d p)^T g} of a cotangent {@code g} for every parameter {@code p}, or the Jacobian
 * {@code d x^* / d p} (one VJP per coordinate of {@code x^*}).
 */
public final class Sensitivity {
    private static final Map<String, Family> FAMILIES = Map.of(
            "qp", new QpFamily(),
            "topk", new TopKFamily(),
            "box-nonconvex-qp", new BoxNonconvexQpFamily());

    private Sensitivity() {}

    /**
     * What was computed.
     *
     * @param family the problem family
     * @param status the solve status
     * @param x the solution
     * @param derivatives by parameter: the VJP (shaped like the parameter) or the Jacobian (shape
     *     {@code (n, parameter shape)})
     * @param jacobian whether {@code derivatives} are Jacobians
     * @param backward the report of the (last) backward pass
     */
    public record Result(String family, String status, Tensor x, Map<String, Tensor> derivatives, boolean jacobian,
            Map<String, Object> backward) {

        /** @return the result as JSON-ready maps and nested lists */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("family", family);
            m.put("status", status);
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
            sb.append("status: ").append(status).append('\n');
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
     * @throws IllegalArgumentException naming the file and key of a malformed input
     */
    public static Result run(Path problem, Path cotangent) {
        ProblemFile file = ProblemFile.read(problem);
        String name = file.string("family");
        Family family = FAMILIES.get(name);
        if (family == null) {
            throw file.error("family", "must be one of " + String.join(", ", FAMILIES.keySet().stream().sorted()
                    .toList()) + ", got \"" + name + "\"");
        }
        Family.Instance instance = family.read(file);
        Var x = instance.solution();
        int n = x.value().size();
        List<String> keys = new ArrayList<>(instance.parameters().keySet());
        Var[] params = instance.parameters().values().toArray(new Var[0]);
        VjpPlan plan = Autodiff.plan(new Var[] {x}, params);
        Map<String, Tensor> derivatives = new LinkedHashMap<>();
        if (cotangent != null) {
            ProblemFile g = ProblemFile.read(cotangent);
            Tensor gx = g.vector("x");
            if (gx.size() != n) {
                throw g.error("x", "must have " + n + " entries like the solution, got " + gx.size());
            }
            Tensor[] grads = plan.apply(gx);
            for (int i = 0; i < params.length; i++) {
                derivatives.put(keys.get(i), grads[i]);
            }
        } else {
            double[][] rows = new double[params.length][];
            for (int j = 0; j < n; j++) {
                double[] e = new double[n];
                e[j] = 1;
                Tensor[] grads = plan.apply(Tensor.wrap(e, n));
                for (int i = 0; i < params.length; i++) {
                    int size = grads[i].size();
                    if (rows[i] == null) {
                        rows[i] = new double[n * size];
                    }
                    System.arraycopy(grads[i].data(), 0, rows[i], j * size, size);
                }
            }
            for (int i = 0; i < params.length; i++) {
                int[] ps = params[i].shape();
                int[] js = new int[ps.length + 1];
                js[0] = n;
                System.arraycopy(ps, 0, js, 1, ps.length);
                derivatives.put(keys.get(i), Tensor.wrap(rows[i], js));
            }
        }
        return new Result(name, instance.status(), x.value(), derivatives, cotangent == null,
                instance.backwardReport().get());
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
