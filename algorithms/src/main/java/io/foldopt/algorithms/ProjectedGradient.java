package io.foldopt.algorithms;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.tensor.Tensor;

/**
 * Projected gradient descent for {@code min_x f(x, c)} over a closed convex set {@code C}, with a
 * smooth {@link SmoothObjective} {@code f} and a differentiable projection onto {@code C}.
 *
 * <p>Update map {@code U(x, c) = Proj_C(x - alpha grad_x f(x, c))}; its fixed points are the
 * stationary points of {@code f} on {@code C}. Variant (a) of the brief passes a projection with a
 * closed-form Jacobian ({@code io.foldopt.projection.Projections}); variant (b) passes the projection
 * onto a polyhedron {@code {Ax = b, Gx <= h}} computed as a differentiable QP
 * ({@code io.foldopt.qp.DifferentiableQp}). Folding differentiates the recorded gradient (Hessian of
 * {@code f}) and the projection's VJP; no derivative is written by hand. Forward solver: FISTA with
 * adaptive restart from a start point, per instance in parallel.
 */
public final class ProjectedGradient implements FoldableAlgorithm {
    private static final String NAME = "projected gradient";

    /** A differentiable projection {@code y (B, n) -> Proj_C(y) (B, n)} onto a fixed set {@code C}. */
    @FunctionalInterface
    public interface Projection {
        /** @return the row-wise projection of {@code y} */
        Var project(Var y);
    }

    private final int dim;
    private final SmoothObjective f;
    private final Projection projection;
    private final double step;

    /**
     * @param dim the dimension {@code n >= 1} of {@code x}
     * @param f the objective, with an {@code L}-Lipschitz gradient on {@code C}
     * @param projection the projection onto {@code C}
     * @param step {@code alpha}, in {@code (0, 1/L]} for the forward solver to converge
     */
    public ProjectedGradient(int dim, SmoothObjective f, Projection projection, double step) {
        if (dim < 1) {
            throw new IllegalArgumentException(NAME + ": dimension must be >= 1, got " + dim);
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException(NAME + ": step must be positive and finite, got " + step);
        }
        this.dim = dim;
        this.f = f;
        this.projection = projection;
        this.step = step;
    }

    /** @return {@code U(x, c) = Proj_C(x - alpha grad_x f(x, c))}; params = the {@code c_i} of {@code f} */
    @Override
    public UpdateMap updateMap() {
        return (x, params) -> projection.project(x.sub(f.gradient(x, params).mul(step)));
    }

    /**
     * @return FISTA with restart on the plain step of {@link #updateMap()}, from the projection of 0,
     *     per instance in parallel
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        ForwardSolver batched = ForwardSolver.perInstance((b, c) -> {
            double[] grad = new double[dim];
            double[] start = project(new double[dim]);
            return FixedPointIteration.solve(NAME, b, start, (from, to) -> {
                f.gradient(from, c, grad);
                for (int j = 0; j < dim; j++) {
                    grad[j] = from[j] - step * grad[j];
                }
                System.arraycopy(project(grad), 0, to, 0, dim);
            }, true, tol, maxIterations);
        });
        return params -> {
            FixedPointIteration.checkParams(NAME, params);
            return batched.solve(params);
        };
    }

    /** @return the projection of one point, evaluated without recording */
    private double[] project(double[] y) {
        return GradMode.noGrad(() -> projection.project(Var.constant(Tensor.of(y, 1, dim)))).value().data();
    }
}
