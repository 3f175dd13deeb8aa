package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.fold.ForwardSolver;
import io.foldopt.fold.UpdateMap;

/**
 * An iterative algorithm packaged for folding: its one-step update map {@code U(s, c)} on the state
 * {@code s (B, d)}, a forward solver that iterates to a fixed point {@code s* = U(s*, c)}, and a
 * differentiable read-out {@code x = out(s)} of the solution from the state (the identity when the
 * state is the solution; a slice for ADMM's {@code (x, z, u)}).
 */
public interface FoldableAlgorithm {
    /** @return the update map {@code U(s, c)}; {@code c} are the layer's parameters */
    UpdateMap updateMap();

    /**
     * @param tol stopping tolerance of the forward iteration (fixed-point residual, relative)
     * @param maxIterations iteration limit; not reaching {@code tol} is an error naming the instance
     * @return a forward solver from the parameters to the fixed-point state, instances in parallel
     */
    ForwardSolver solver(double tol, int maxIterations);

    /** @return the solution read off the state (differentiable); the state itself by default */
    default Var output(Var state) {
        return state;
    }

    /**
     * @param options the backward settings and the forward stopping rule ({@link FoldOptions#forwardTolerance()},
     *     {@link FoldOptions#forwardMaxIterations()})
     * @return a folded layer of this algorithm whose output is the solution {@link #output} read off the fixed-point
     *     state
     */
    default FoldedLayer layer(FoldOptions options) {
        return new FoldedLayer(solver(options.forwardTolerance(), options.forwardMaxIterations()), updateMap(),
                options, this::output);
    }
}
