package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.InstanceReport;
import io.foldopt.fold.LayerCall;
import io.foldopt.problems.BoxNonconvexQp;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code {"family": "box-nonconvex-qp", "Q": [[..]], "c": [..], "lower": L, "upper": U}}:
 * {@code min 1/2 x^T Q x + c^T sin(x)} over the box, solved by projected gradient descent from
 * {@code x = 0} with {@code alpha = 1/(lambda_max(Q) + 1)} and differentiated by folding that step
 * (backward method AUTO, tolerance 1e-10); gradient for {@code c}.
 */
final class BoxNonconvexQpFamily implements Family {
    @Override
    public Instance read(ProblemFile file) {
        Tensor q = file.matrix("Q");
        Tensor c = file.vector("c");
        double lower = file.number("lower");
        double upper = file.number("upper");
        int n = c.size();
        if (q.dim(0) != n || q.dim(1) != n) {
            throw file.error("Q", "must be " + n + " x " + n + " to match \"c\", got " + q.dim(0) + " x " + q.dim(1));
        }
        if (!(lower < upper)) {
            throw file.error("upper", "must exceed \"lower\" = " + lower + ", got " + upper);
        }
        BoxNonconvexQp problem;
        try {
            problem = new BoxNonconvexQp(q, lower, upper);
        } catch (IllegalArgumentException e) {
            throw file.error("Q", e.getMessage());
        }
        FoldedLayer layer = new FoldedLayer(problem.pgdSolver(1e-13, 10_000_000), problem.updateMap(),
                FoldOptions.defaults());
        Var cv = Var.param(c);
        LayerCall call = layer.call(cv.reshape(1, n));
        Var x = call.output().reshape(n);
        Map<String, Var> params = new LinkedHashMap<>();
        params.put("c", cv);
        return new Instance(params, x, io.foldopt.status.Status.OPTIMAL,
                () -> describe(call.report().orElse(null)));
    }

    /** @return the report of the single instance of a folded backward pass */
    static Map<String, Object> describe(BackwardReport report) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (report == null) {
            return m;
        }
        InstanceReport r = report.instances()[0];
        m.put("method", r.method().toLowerCase(Locale.ROOT));
        m.put("iterations", r.iterations());
        m.put("relative_residual", r.relativeResidual());
        m.put("status", r.status().label());
        m.put("converged", r.converged());
        m.put("fixed_point_residual", r.fixedPointResidual());
        r.spectralRadius().ifPresent(rho -> m.put("spectral_radius", rho));
        return m;
    }
}
