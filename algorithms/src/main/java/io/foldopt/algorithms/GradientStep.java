package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;

/**
 * The algorithms whose step is {@code U(x, c) = T(x - alpha grad_x f(x, c))} for a smooth
 * {@link SmoothObjective} {@code f} and a map {@code T} (a projection, a proximal operator): the
 * update map, and a forward solver running FISTA with adaptive restart on that step, per instance in
 * parallel. Subclasses give {@code T} twice: as a differentiable operation for folding and on plain
 * arrays for the forward solver.
 */
abstract class GradientStep implements FoldableAlgorithm {
    private final String name;
    private final int dim;
    private final SmoothObjective f;
    private final double step;

    GradientStep(String name, int dim, SmoothObjective f, double step) {
        if (dim < 1) {
            throw new IllegalArgumentException(name + ": dimension must be >= 1, got " + dim);
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException(name + ": step must be positive and finite, got " + step);
        }
        this.name = name;
        this.dim = dim;
        this.f = f;
        this.step = step;
    }

    /** @return {@code T(y)} for a batch {@code y (B, n)}, differentiable */
    abstract Var map(Var y, double alpha);

    /** Overwrites one instance's {@code y} with {@code T(y)}. */
    abstract void mapInPlace(double[] y, double alpha);

    /** @return {@code U(x, c) = T(x - alpha grad_x f(x, c))}; params = the {@code c_i} of {@code f} */
    @Override
    public UpdateMap updateMap() {
        return (x, params) -> map(x.sub(f.gradient(x, params).mul(step)), step);
    }

    /**
     * @return FISTA with restart on the plain step of {@link #updateMap()} from {@code T(0)}, per
     *     instance in parallel
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        ForwardSolver batched = ForwardSolver.perInstance((b, c) -> {
            double[] grad = new double[dim];
            double[] start = new double[dim];
            mapInPlace(start, step);
            return FixedPointIteration.solve(name, b, start, (from, to) -> {
                f.gradient(from, c, grad);
                for (int j = 0; j < dim; j++) {
                    to[j] = from[j] - step * grad[j];
                }
                mapInPlace(to, step);
            }, true, tol, maxIterations);
        });
        return params -> {
            FixedPointIteration.checkParams(name, params);
            return batched.solve(params);
        };
    }

    /** @return the dimension {@code n} */
    int dim() {
        return dim;
    }
}
