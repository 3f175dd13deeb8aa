package io.foldopt.status;

import java.util.Objects;

/**
 * Thrown when a solve ended without a usable result: how it ended ({@link Status}) and, in a batch, which instance
 * failed. Subclasses name the kind of solver (a forward solve of a folded layer, an optimization oracle).
 */
public class SolveException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** How the failing solve ended. */
    private final Status status;
    /** The index in the batch of the failing instance, or -1 for a single solve. */
    private final int instance;

    /**
     * @param message what failed and why
     * @param status how the solve ended
     * @param instance the index in the batch of the failing instance, or -1 for a single solve
     */
    public SolveException(String message, Status status, int instance) {
        super(message);
        this.status = Objects.requireNonNull(status, "status");
        this.instance = instance;
    }

    /** @return how the failing solve ended */
    public Status status() {
        return status;
    }

    /** @return the index in the batch of the failing instance, or -1 for a single solve */
    public int instance() {
        return instance;
    }
}
