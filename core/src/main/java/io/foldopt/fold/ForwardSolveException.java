package io.foldopt.fold;

import io.foldopt.status.Status;
import java.util.Objects;

/** Thrown by a forward solver that did not reach a fixed point, with the status and the first failing instance. */
public final class ForwardSolveException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** How the solve of the failing instance ended. */
    private final Status status;
    /** The index in the batch of the first failing instance. */
    private final int instance;

    /** Creates the exception with its message, the status of the failing instance and its index in the batch. */
    public ForwardSolveException(String message, Status status, int instance) {
        super(message);
        this.status = Objects.requireNonNull(status, "status");
        this.instance = instance;
    }

    /** @return how the solve of {@link #instance()} ended */
    public Status status() {
        return status;
    }

    /** @return the index in the batch of the first failing instance */
    public int instance() {
        return instance;
    }
}
