package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.InstanceReport;
import io.foldopt.fold.LayerCall;
import io.foldopt.problems.BoxNonconvexQp;
import io.foldopt.problems.ProjectedNewton;
import io.foldopt.status.FailurePolicy;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code {"family": "box-nonconvex-qp", "Q": [[..]], "c": [..], "lower": L, "upper": U}}:
 * {@code min 1/2 x^T Q x + c^T sin(x)} over the box, for symmetric (possibly indefinite) {@code Q}, solved by
 * projected Newton from {@code x = 0} ({@link BoxNonconvexQp#solve}: residual tolerance {@code 1e-12} relative to
 * the gradient's scale, at most 1000 iterations and 60 seconds) and differentiated by folding the
 * projected-gradient update (backward method AUTO, tolerance 1e-10, failures flagged in the report); gradient
 * for {@code c}.
 *
 * <p>The status is computed from checks on the solution: finiteness, the projected-gradient residual and the
 * second-order classification ({@link io.foldopt.problems.StationaryPointCheck}). Only a local minimum is
 * optimal; a saddle, maximum or degenerate point that could not be left is not-a-minimum; a run out of
 * iterations or time is iteration-limit.
 */
final class BoxNonconvexQpFamily implements Family {
    /** Residual tolerance relative to the gradient's scale. */
    static final double TOLERANCE = 1e-12;
    /** Newton steps (and escapes from saddle points) allowed. */
    static final int MAX_ITERATIONS = 1000;
    /** Wall-clock time allowed for the forward solve. */
    static final Duration TIME_LIMIT = Duration.ofSeconds(60);

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
        ProjectedNewton.Result solution = problem.solve(c.data(), TOLERANCE, MAX_ITERATIONS, TIME_LIMIT);
        Tensor xs = Tensor.wrap(solution.x(), 1, n);
        Status status = xs.isFinite() ? solution.status() : Status.NUMERICAL_FAILURE;
        FoldedLayer layer = new FoldedLayer(p -> xs, problem.updateMap(),
                FoldOptions.defaults().withOnFailure(FailurePolicy.FLAG));
        Var cv = Var.param(c);
        LayerCall call = layer.call(cv.reshape(1, n));
        Var x = call.output().reshape(n);
        Map<String, Var> params = new LinkedHashMap<>();
        params.put("c", cv);
        return new Instance(params, x, status, () -> describe(call.report().orElse(null)));
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
