package io.foldopt.fold;

/** What a folded layer does when the backward solve of an instance does not converge. */
public enum FailurePolicy {
    /** Throw a {@link BackwardSolveException} naming the instances, their status and residual. */
    THROW,
    /**
     * Return gradients from the best finite iterate the solver saw (the solvers never return NaN),
     * with the instances flagged in the report.
     */
    FLAG
}
