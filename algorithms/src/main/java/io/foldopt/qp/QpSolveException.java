package io.foldopt.qp;

/**
 * Thrown by {@link DifferentiableQp} when {@link QpOptions#failurePolicy()} is {@code THROW} and some
 * instance is not optimal; the message names the instances and their statuses.
 */
public final class QpSolveException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient QpReport report;

    /** Creates the exception with its message and the report of the whole batch. */
    public QpSolveException(String message, QpReport report) {
        super(message);
        this.report = report;
    }

    /** @return the report of the failed call */
    public QpReport report() {
        return report;
    }
}
