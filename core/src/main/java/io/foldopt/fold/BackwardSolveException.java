package io.foldopt.fold;

/** Thrown by a folded layer with {@link io.foldopt.status.FailurePolicy#THROW} when a backward solve fails. */
public final class BackwardSolveException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient BackwardReport report;

    /** Creates the exception with its message and the full report. */
    public BackwardSolveException(String message, BackwardReport report) {
        super(message);
        this.report = report;
    }

    /** @return the report of the failed backward pass */
    public BackwardReport report() {
        return report;
    }
}
