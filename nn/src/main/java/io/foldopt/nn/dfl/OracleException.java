package io.foldopt.nn.dfl;

import io.foldopt.status.SolveException;
import io.foldopt.status.Status;

/**
 * Thrown by an {@link Oracle} that could not return an optimal decision: the status says why (infeasible,
 * unbounded, a backend failure) and, in a batch, which instance failed.
 */
public final class OracleException extends SolveException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and why
     * @param status how the solve ended
     * @param instance the index in the batch of the failing instance, or -1 for a single solve
     */
    public OracleException(String message, Status status, int instance) {
        super(message, status, instance);
    }

    /** @return this failure located at {@code instance} of a batch, its message prefixed with the instance */
    OracleException at(int index) {
        return instance() >= 0 ? this : new OracleException("instance " + index + ": " + getMessage(), status(), index);
    }
}
