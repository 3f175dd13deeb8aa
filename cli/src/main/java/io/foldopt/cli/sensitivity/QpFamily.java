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
 * scale-free tests of {@code infeasibilityCertified} and {@code unboundednessCertified}; otherwise the
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
        switch (claimed) {
            case INFEASIBLE:
                return infeasibilityCertified(d, nu, lambda) ? Status.INFEASIBLE : Status.NUMERICAL_FAILURE;
            case UNBOUNDED:
                return unboundednessCertified(d, z) ? Status.UNBOUNDED : Status.NUMERICAL_FAILURE;
            default:
                double scale = 1 + Math.max(maxAbs(d.q()), Math.max(maxAbs(d.b()), maxAbs(d.h())));
                double kkt = QpProblem.of(d.p(), d.q(), d.a(), d.b(), d.g(), d.h()).kktResidual(z, nu, lambda);
                if (kkt <= TOLERANCE * scale) {
                    return Status.OPTIMAL;
                }
                if (kkt <= LOOSE_TOLERANCE * scale) {
                    return Status.OPTIMAL_INACCURATE;
                }
                return claimed == Status.ITERATION_LIMIT ? Status.ITERATION_LIMIT : Status.NUMERICAL_FAILURE;
        }
    }

    /**
     * @return whether {@code (nu, lambda)} is a Farkas certificate of infeasibility to
     *     {@link #CERTIFICATE_TOLERANCE} {@code t}: {@code lambda >= -t ||lambda||},
     *     {@code ||A^T nu + G^T lambda|| <= t (||A|| ||nu|| + ||G|| ||lambda||)} and
     *     {@code b^T nu + h^T lambda < -t (||b|| ||nu|| + ||h|| ||lambda||)} (Frobenius and 2-norms)
     */
    static boolean infeasibilityCertified(Data d, double[] nu, double[] lambda) {
        double t = CERTIFICATE_TOLERANCE;
        double normNu = Vec.norm(nu, 0, nu.length);
        double normLambda = Vec.norm(lambda, 0, lambda.length);
        for (double l : lambda) {
            if (l < -t * normLambda) {
                return false;
            }
        }
        int n = d.q().size();
        double[] r = new double[n];
        multiplyTranspose(d.a(), nu, r);
        multiplyTranspose(d.g(), lambda, r);
        double gap = dot(d.b(), nu) + dot(d.h(), lambda);
        return Vec.norm(r, 0, n) <= t * (norm(d.a()) * normNu + norm(d.g()) * normLambda)
                && gap < -t * (norm(d.b()) * normNu + norm(d.h()) * normLambda);
    }

    /**
     * @return whether {@code z} is an improving direction of an unbounded problem to
     *     {@link #CERTIFICATE_TOLERANCE} {@code t}: {@code ||P z|| <= t ||P|| ||z||},
     *     {@code ||A z|| <= t ||A|| ||z||}, {@code G z <= t ||G|| ||z||} and {@code q^T z < -t ||q|| ||z||}
     */
    static boolean unboundednessCertified(Data d, double[] z) {
        double t = CERTIFICATE_TOLERANCE;
        double normZ = Vec.norm(z, 0, z.length);
        if (!(dot(d.q(), z) < -t * norm(d.q()) * normZ)) {
            return false;
        }
        if (Vec.norm(multiply(d.p(), z), 0, z.length) > t * norm(d.p()) * normZ) {
            return false;
        }
        if (d.a() != null) {
            double[] az = multiply(d.a(), z);
            if (Vec.norm(az, 0, az.length) > t * norm(d.a()) * normZ) {
                return false;
            }
        }
        if (d.g() != null) {
            for (double gz : multiply(d.g(), z)) {
                if (gz > t * norm(d.g()) * normZ) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return {@code M v} for {@code M (rows, n)} */
    private static double[] multiply(Tensor m, double[] v) {
        int rows = m.dim(0);
        int n = m.dim(1);
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = Vec.dot(m.data(), i * n, v, 0, n);
        }
        return out;
    }

    /** Adds {@code M^T v} to {@code out}; nothing if {@code M} is absent. */
    private static void multiplyTranspose(Tensor m, double[] v, double[] out) {
        if (m == null) {
            return;
        }
        int n = m.dim(1);
        for (int i = 0; i < m.dim(0); i++) {
            Vec.axpy(v[i], m.data(), i * n, out, 0, n);
        }
    }

    /** @return {@code u^T v}, 0 for an absent {@code u} */
    private static double dot(Tensor u, double[] v) {
        return u == null ? 0 : Vec.dot(u.data(), 0, v, 0, v.length);
    }

    /** @return the Frobenius norm, 0 for an absent tensor */
    private static double norm(Tensor t) {
        return t == null ? 0 : t.norm();
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
