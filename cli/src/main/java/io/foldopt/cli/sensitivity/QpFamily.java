package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Var;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpInstanceReport;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpOutput;
import io.foldopt.qp.QpProblem;
import io.foldopt.qp.QpStatusCheck;
import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code {"family": "qp", "P": [[..]], "q": [..], "A": [[..]], "b": [..], "G": [[..]], "h": [..]}}
 * ({@code A, b, G, h} optional, in pairs): {@code min 1/2 z^T P z + q^T z s.t. A z = b, G z <= h},
 * solved by the interior-point method and differentiated through its KKT conditions; gradients for
 * all six parameters. The status of an infeasible or unbounded problem is reported, with zero
 * gradients.
 *
 * <p>The status is decided from checks on the returned vectors, whatever the solver claims
 * ({@link QpStatusCheck}).
 */
final class QpFamily implements Family {
    @Override
    public Instance read(ProblemFile file) {
        Tensor p = file.matrix("P");
        Tensor q = file.vector("q");
        int n = q.size();
        if (p.dim(0) != n || p.dim(1) != n) {
            throw file.error("P", "must be " + n + " x " + n + " to match \"q\", got " + p.dim(0) + " x " + p.dim(1));
        }
        Map<String, Var> params = new LinkedHashMap<>();
        params.put("P", Var.param(p));
        params.put("q", Var.param(q));
        Var[] ab = pair(file, "A", "b", n, params);
        Var[] gh = pair(file, "G", "h", n, params);
        QpOutput out;
        try {
            out = DifferentiableQp.solveWithMultipliers(params.get("P"), params.get("q").reshape(1, n), ab[0],
                    ab[1] == null ? null : ab[1].reshape(1, ab[1].dim(0)), gh[0],
                    gh[1] == null ? null : gh[1].reshape(1, gh[1].dim(0)),
                    QpOptions.defaults().withFailurePolicy(FailurePolicy.FLAG));
        } catch (IllegalArgumentException e) {
            throw file.invalid(e.getMessage());
        }
        QpInstanceReport r = out.report().instances()[0];
        Status status = QpStatusCheck.verify(r.status(),
                QpProblem.of(p, q, value(ab[0]), value(ab[1]), value(gh[0]), value(gh[1])),
                out.z().value().data(), out.nu().value().data(), out.lambda().value().data());
        Map<String, Object> backward = new LinkedHashMap<>();
        backward.put("method", "kkt");
        backward.put("kkt_residual", r.kktResidual());
        backward.put("active_constraints", r.activeConstraints());
        backward.put("degenerate", r.degenerate());
        backward.put("regularized", r.regularized());
        backward.put("gradient_status", r.gradientStatus().label());
        backward.put("condition_number", r.conditionNumber());
        return new Instance(params, out.z().reshape(n), status, () -> backward);
    }

    /** @return the value of a leaf, null for an absent one */
    private static Tensor value(Var v) {
        return v == null ? null : v.value();
    }
    /**
     * Reads an optional constraint pair {@code (M, v)} with {@code M (k, n)} and {@code v (k)}; both or
     * neither must be given.
     *
     * @return the pair as leaves (nulls when absent), registered in {@code params}
     */
    private static Var[] pair(ProblemFile file, String matrix, String vector, int n, Map<String, Var> params) {
        if (file.has(matrix) != file.has(vector)) {
            String missing = file.has(matrix) ? vector : matrix;
            throw file.error(missing, "is missing: \"" + matrix + "\" and \"" + vector + "\" go together");
        }
        if (!file.has(matrix)) {
            return new Var[2];
        }
        Tensor m = file.matrix(matrix);
        Tensor v = file.vector(vector);
        if (m.dim(1) != n) {
            throw file.error(matrix, "must have " + n + " columns like \"P\", got " + m.dim(1));
        }
        if (v.size() != m.dim(0)) {
            throw file.error(vector, "must have " + m.dim(0) + " entries, one per row of \"" + matrix + "\", got "
                    + v.size());
        }
        Var mv = Var.param(m);
        Var vv = Var.param(v);
        params.put(matrix, mv);
        params.put(vector, vv);
        return new Var[] {mv, vv};
    }
}
