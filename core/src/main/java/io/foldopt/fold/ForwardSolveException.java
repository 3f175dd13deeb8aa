package io.foldopt.fold;

import io.foldopt.status.SolveException;
import io.foldopt.status.Status;

/** Thrown by a forward solver that did not reach a fixed point, with the status and the first failing instance. */
public final class ForwardSolveException extends SolveException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with its message, the status of the failing instance and its index in the batch. */
    public ForwardSolveException(String message, Status status, int instance) {
        super(message, status, instance);
    }
}
