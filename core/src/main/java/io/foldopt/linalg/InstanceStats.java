package io.foldopt.linalg;

import java.util.Objects;

/**
 * Outcome of the solve of one instance {@code b} of a batch.
 *
 * @param method the algorithm used
 * @param iterations iterations spent on this instance: operator applications for LFPI, GMRES and DIRECT, BiCGSTAB
 *     iterations (two applications each); true-residual evaluations are not counted
 * @param relativeResidual {@code ||A_b v_b - g_b|| / ||g_b||} of the returned solution, evaluated with the operator
 *     after the solve (0 when {@code g_b = 0})
 * @param status how the solve ended
 */
public record InstanceStats(SolverMethod method, int iterations, double relativeResidual, SolveStatus status) {
    /** Checks that method and status are non-null and iterations non-negative. */
    public InstanceStats {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(status, "status");
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        }
    }

    /** @return whether {@code status == CONVERGED} */
    public boolean converged() {
        return status == SolveStatus.CONVERGED;
    }
}
