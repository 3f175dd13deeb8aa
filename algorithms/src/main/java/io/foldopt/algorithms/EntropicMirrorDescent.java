package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Entropic mirror descent (exponentiated gradient) for {@code min_x f(x, c)} over the simplex
 * {@code {x >= 0, 1^T x = 1}}.
 *
 * <p>Update map {@code U(x, c) = softmax(log x - step grad_x f(x, c))}, i.e.
 * {@code x * exp(-step grad f) / sum(x * exp(-step grad f))}. Its fixed points with {@code x > 0} are
 * the interior KKT points ({@code grad f} constant, {@code = nu 1}), where
 * {@code Phi = (I - x 1^T) - step (diag x - x x^T) H_f}, whose spectral radius is below 1 for a small
 * enough {@code step}. The method needs {@code x* > 0}, with one tolerated exception: a zero entry
 * with a strictly positive gap {@code grad_i f - nu > 0} is approached geometrically (rate
 * {@code exp(-step gap)}), the solver returns it as a value below the tolerance, and its folded
 * derivatives vanish, as they should. A zero entry without a gap (no strict complementarity) is
 * approached only sublinearly, and the forward solver fails to reach its tolerance. Forward solver:
 * the plain iteration from the uniform point.
 */
public final class EntropicMirrorDescent implements FoldableAlgorithm {
    private static final String NAME = "entropic mirror descent";

    private final int dim;
    private final SmoothObjective f;
    private final double step;

    /**
     * @param dim the dimension {@code n >= 1} of the simplex
     * @param f the objective
     * @param step the step {@code > 0}
     */
    public EntropicMirrorDescent(int dim, SmoothObjective f, double step) {
        if (dim < 1) {
            throw new IllegalArgumentException(NAME + ": dimension must be >= 1, got " + dim);
        }
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException(NAME + ": step must be positive and finite, got " + step);
        }
        this.dim = dim;
        this.f = f;
        this.step = step;
    }

    /** @return {@code U(x, c) = softmax(log x - step grad_x f(x, c))} row-wise; params = the {@code c_i} of {@code f} */
    @Override
    public UpdateMap updateMap() {
        return (x, params) -> {
            Var w = x.log().sub(f.gradient(x, params).mul(step));
            // softmax is invariant to a per-row shift, so subtracting the (constant) row maximum is exact.
            int batch = w.dim(0);
            int n = w.dim(1);
            double[] wd = w.value().data();
            double[] max = new double[batch];
            for (int b = 0; b < batch; b++) {
                max[b] = Double.NEGATIVE_INFINITY;
                for (int j = b * n; j < (b + 1) * n; j++) {
                    max[b] = Math.max(max[b], wd[j]);
                }
            }
            Var e = w.sub(Var.constant(Tensor.wrap(max, batch, 1))).exp();
            return e.div(e.sum(-1).reshape(batch, 1));
        };
    }

    /**
     * @return the plain iteration of {@link #updateMap()} from {@code x = 1/n}, per instance in parallel
     * @throws ArithmeticException (from the solver) naming the instance that does not converge
     */
    @Override
    public ForwardSolver solver(double tol, int maxIterations) {
        ForwardSolver batched = ForwardSolver.perInstance((b, c) -> {
            double[] grad = new double[dim];
            double[] start = new double[dim];
            Arrays.fill(start, 1.0 / dim);
            try {
                return FixedPointIteration.solve(NAME, b, start, (from, to) -> {
                    f.gradient(from, c, grad);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < dim; j++) {
                        to[j] = Math.log(from[j]) - step * grad[j];
                        max = Math.max(max, to[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < dim; j++) {
                        to[j] = Math.exp(to[j] - max);
                        sum += to[j];
                    }
                    for (int j = 0; j < dim; j++) {
                        to[j] /= sum;
                    }
                }, false, tol, maxIterations);
            } catch (ArithmeticException e) {
                throw new ArithmeticException(e.getMessage()
                        + "; the method needs a solution with x* > 0 (or zero entries with a positive gradient gap)");
            }
        });
        return params -> {
            FixedPointIteration.checkParams(NAME, params);
            return batched.solve(params);
        };
    }
}
