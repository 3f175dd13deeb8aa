package io.foldopt.fold;

import io.foldopt.autodiff.Var;

/**
 * A differentiable map from parameters {@code c_1..c_k} (each {@code (B, p_i)}) to a batch of
 * solutions {@code x*(c) (B, n)} that becomes a node of the caller's graph.
 */
public interface OptimizationLayer {
    /** @return the solutions as a graph node whose VJP gives {@code dL/dc_i} (and captured parameters) */
    Var apply(Var... params);
}
