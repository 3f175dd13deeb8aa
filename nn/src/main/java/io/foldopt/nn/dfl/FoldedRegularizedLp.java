package io.foldopt.nn.dfl;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.BackwardReport;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.UpdateMap;
import io.foldopt.qp.InteriorPointQpSolver;
import io.foldopt.qp.QpOptions;
import io.foldopt.qp.RepeatedQpSolver;
import io.foldopt.tensor.Tensor;

/**
 * The regret of a quadratically regularized LP, differentiated by folding projected gradient descent. The decision
 * for predicted costs is {@code w_mu(c_hat) = argmin_{w ∈ P} c_hat^T w + (mu / 2) ||w||^2 = Proj_P(-c_hat / mu)} over
 * a polyhedron {@code P ⊇ S} (the LP relaxation of the feasible set, {@link Polyhedron}), a smooth map of
 * {@code c_hat}; the loss is the regret {@code c^T w_mu(c_hat) - z*(c)} (averaged over the batch).
 *
 * <p>Forward: one QP per instance, the projection of {@code -c_hat / mu}. Backward: a {@link FoldedLayer} on the
 * projected-gradient update {@code U(w, c_hat) = Proj_P(w - step (c_hat + mu w))}, the projection differentiated
 * through its KKT conditions ({@link Polyhedron#projection}). With the default {@code step = 1 / mu} the update
 * reaches the fixed point in one step ({@code dU/dw = 0}), so the backward solve is a single iteration; any
 * {@code step} in {@code (0, 2 / mu)} has the same fixed point and gives the same gradient. With
 * {@link #projectionOptions} (the default) the update's projection at the fixed point reuses the forward solution.
 */
public final class FoldedRegularizedLp implements DecisionLoss {
    private final double mu;
    private final FoldedLayer layer;

    /**
     * @param relaxation the polyhedron {@code P} containing the feasible set (its LP relaxation)
     * @param mu the regularization weight, positive
     * @param step the projected-gradient step, in {@code (0, 2 / mu)}
     * @param options the folded layer's backward settings
     * @param qp the settings of the projection QPs
     */
    public FoldedRegularizedLp(Polyhedron relaxation, double mu, double step, FoldOptions options, QpOptions qp) {
        if (!(mu > 0) || !Double.isFinite(mu)) {
            throw new IllegalArgumentException("folded: mu must be positive and finite, got " + mu);
        }
        if (!(step > 0 && step < 2 / mu)) {
            throw new IllegalArgumentException("folded: step must be in (0, 2/mu) = (0, " + 2 / mu + "), got " + step);
        }
        this.mu = mu;
        ProjectedGradient.Projection projection = relaxation.projection(qp);
        // U = Proj((1 - step mu) w - step c_hat); the forward point -c_hat / mu is computed as c_hat (-1 / mu), so
        // that with step = 1 / mu the update's QP at the fixed point has the forward QP's data bit for bit.
        double keep = 1 - step * mu;
        UpdateMap update = (w, params) -> projection.project(w.mul(keep).sub(params[0].mul(step)));
        double scale = -1 / mu;
        this.layer = new FoldedLayer(params -> projection.project(Var.constant(params[0].map(v -> v * scale)))
                .value(), update, options);
    }

    /**
     * A layer with {@code step = 1 / mu}, default backward settings and the QP settings of
     * {@link #projectionOptions}.
     */
    public FoldedRegularizedLp(Polyhedron relaxation, double mu) {
        this(relaxation, mu, 1 / mu, FoldOptions.defaults(), projectionOptions());
    }

    /**
     * @return QP settings for the projections: the default interior-point solver, with each batch position's
     *     latest solution reused when the same QP comes again ({@link RepeatedQpSolver}): with {@code step = 1 / mu}
     *     the update's projection at the fixed point is the forward projection itself, so each instance costs one
     *     QP instead of two
     */
    public static QpOptions projectionOptions() {
        return QpOptions.defaults().withSolver(new RepeatedQpSolver(new InteriorPointQpSolver()));
    }

    @Override
    public String name() {
        return "folded";
    }

    /** @return the regularization weight {@code mu} */
    public double mu() {
        return mu;
    }

    /** @return the regularized decisions {@code w_mu(c_hat) (B, n)} as a folded node, differentiable in {@code c_hat} */
    public Var decide(Var predicted) {
        return layer.apply(predicted);
    }

    /** @return the report of the most recent backward pass, or null before the first */
    public BackwardReport lastReport() {
        return layer.lastReport();
    }

    /** @return the regret of the regularized decisions as a graph node, differentiated by the folded layer */
    @Override
    public Var apply(Var predicted, DecisionBatch truth) {
        DecisionLoss.check(name(), predicted.value(), truth);
        return decide(predicted).mul(Var.constant(truth.costs())).sum(1).sub(Var.constant(truth.values())).mean();
    }

    @Override
    public Evaluation evaluate(Tensor predicted, DecisionBatch truth) {
        Var c = Var.param(predicted);
        Var loss = GradMode.withGrad(() -> apply(c, truth));
        return new Evaluation(loss.item(), Autodiff.grad(loss, c)[0]);
    }
}
