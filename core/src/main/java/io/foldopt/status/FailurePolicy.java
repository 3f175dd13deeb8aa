package io.foldopt.status;

/**
 * What a solver does when an instance of a batch ends with a {@link Status} that is not {@link Status#ok()}: the
 * folded layer's backward solve, a QP, any batched solver of foldopt.
 */
public enum FailurePolicy {
    /** Throw an exception naming the failing instances, their status and the cause. */
    THROW,
    /**
     * Return the best finite answer the solver has (never NaN), with every failing instance flagged in the
     * per-instance report.
     */
    FLAG
}
