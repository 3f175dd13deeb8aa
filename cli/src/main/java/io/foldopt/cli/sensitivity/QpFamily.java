package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Var;
import io.foldopt.linalg.Vec;
import io.foldopt.qp.DifferentiableQp;
import io.foldopt.qp.QpInstanceReport;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.QpOutput;
import io.foldopt.qp.QpProblem;
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
 * <p>The status is decided from checks on the returned vectors, whatever the solver claims: optimal if they
 * are finite and the KKT residual ({@code QpProblem.kktResidual}) is at most {@code 1e-8 s},
 * {@code s = 1 + max(||q||, ||b||, ||h||)} (the interior-point method's optimality test), optimal-inaccurate up
 * to {@code 1e-5 s}; infeasible or unbounded only if the solver says so and its certificate passes the
 * scale-free tests {@code QpProblem.farkasViolation} / {@code rayViolation} within 1e-6; otherwise the
 * solver's failure (iteration-limit) or numerical-failure.
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
        Status status = status(r.status(), new Data(p, q, value(ab[0]), value(ab[1]), value(gh[0]), value(gh[1])),
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

    /** Relative tolerance of the KKT residual for {@link Status#OPTIMAL}. */
    static final double TOLERANCE = 1e-8;
    /** Relative tolerance of the KKT residual for {@link Status#OPTIMAL_INACCURATE}. */
    static final double LOOSE_TOLERANCE = 1e-5;
    /** Relative tolerance of the certificate tests. */
    static final double CERTIFICATE_TOLERANCE = 1e-6;

    /** The data of one QP instance as tensors; absent constraint blocks are null. */
    record Data(Tensor p, Tensor q, Tensor a, Tensor b, Tensor g, Tensor h) {}

    /**
     * @param claimed what the solver reported
     * @param z the solution, or the improving direction of an unbounded problem
     * @param nu the equality multipliers, or part of the Farkas certificate of an infeasible problem
     * @param lambda the inequality multipliers, or part of the Farkas certificate
     * @return the status the checks on {@code (z, nu, lambda)} support
     */
    static Status status(Status claimed, Data d, double[] z, double[] nu, double[] lambda) {
        if (!Vec.allFinite(z, 0, z.length) || !Vec.allFinite(nu, 0, nu.length)
                || !Vec.allFinite(lambda, 0, lambda.length)) {
            return Status.NUMERICAL_FAILURE;
        }
        QpProblem qp = QpProblem.of(d.p(), d.q(), d.a(), d.b(), d.g(), d.h());
        switch (claimed) {
            case INFEASIBLE:
                return qp.farkasViolation(nu, lambda) <= CERTIFICATE_TOLERANCE ? Status.INFEASIBLE
                        : Status.NUMERICAL_FAILURE;
            case UNBOUNDED:
                return qp.rayViolation(z) <= CERTIFICATE_TOLERANCE ? Status.UNBOUNDED : Status.NUMERICAL_FAILURE;
            default:
                double scale = 1 + Math.max(maxAbs(d.q()), Math.max(maxAbs(d.b()), maxAbs(d.h())));
                double kkt = qp.kktResidual(z, nu, lambda);
                if (kkt <= TOLERANCE * scale) {
                    return Status.OPTIMAL;
                }
                if (kkt <= LOOSE_TOLERANCE * scale) {
                    return Status.OPTIMAL_INACCURATE;
                }
                return claimed == Status.ITERATION_LIMIT ? Status.ITERATION_LIMIT : Status.NUMERICAL_FAILURE;
        }
    }

    /** @return the largest absolute entry, 0 for an absent tensor */
    private static double maxAbs(Tensor t) {
        return t == null ? 0 : t.maxAbs();
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
