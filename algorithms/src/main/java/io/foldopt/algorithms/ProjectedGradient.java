package io.foldopt.algorithms;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;

/**
 * Projected gradient descent for {@code min_x f(x, c)} over a closed convex set {@code C}, with a
 * smooth {@link SmoothObjective} {@code f} and a differentiable projection onto {@code C}.
 *
 * <p>Update map {@code U(x, c) = Proj_C(x - alpha grad_x f(x, c))}; its fixed points are the
 * stationary points of {@code f} on {@code C}. Variant (a) passes a projection with a
 * closed-form Jacobian ({@code io.foldopt.projection.Projections}); variant (b) passes the projection
 * onto a polyhedron {@code {Ax = b, Gx <= h}} computed as a differentiable QP ({@link Polyhedron}).
 * Folding differentiates the recorded gradient (Hessian of {@code f}) and the projection's VJP; no
 * derivative is written by hand. Forward solver: FISTA with adaptive restart from {@code Proj_C(0)},
 * per instance in parallel.
 */
public final class ProjectedGradient extends GradientStep {
    /** A differentiable projection {@code y (B, n) -> Proj_C(y) (B, n)} onto a fixed set {@code C}. */
    @FunctionalInterface
    public interface Projection {
        /** @return the row-wise projection of {@code y} */
        Var project(Var y);
    }

    private final Projection projection;

    /**
     * @param dim the dimension {@code n >= 1} of {@code x}
     * @param f the objective, with an {@code L}-Lipschitz gradient on {@code C}
     * @param projection the projection onto {@code C}
     * @param step {@code alpha}, in {@code (0, 1/L]} for the forward solver to converge
     */
    public ProjectedGradient(int dim, SmoothObjective f, Projection projection, double step) {
        super("projected gradient", dim, f, step);
        this.projection = projection;
    }

    @Override
    Var map(Var y, double alpha) {
        return projection.project(y);
    }

    /** Projects one point, evaluated without recording. */
    @Override
    void mapInPlace(double[] y, double alpha) {
        double[] p = GradMode.noGrad(() -> projection.project(Var.constant(Tensor.of(y, 1, dim())))).value().data();
        System.arraycopy(p, 0, y, 0, y.length);
    }
}
