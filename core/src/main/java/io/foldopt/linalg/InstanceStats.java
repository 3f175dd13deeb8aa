package io.foldopt.linalg;

import io.foldopt.status.Status;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Outcome of the solve of one instance {@code b} of a batch.
 *
 * @param method the name of the algorithm that ran ({@link BatchedLinearSolver#name()})
 * @param iterations iterations spent on this instance: operator applications for LFPI, GMRES and DIRECT, BiCGSTAB
 *     iterations (two applications each); true-residual evaluations are not counted
 * @param relativeResidual {@code ||A_b v_b - g_b|| / ||g_b||} of the returned solution, evaluated with the operator
 *     after the solve (0 when {@code g_b = 0})
 * @param status {@link Status#OPTIMAL} when the residual met the tolerance, else why not
 * @param detail the finer reason behind the status or the choice of method (for example a Krylov breakdown, or why
 *     AUTO chose its method); empty if there is none
 * @param spectralRadius an estimate of {@code rho(I - A_b)} if the solver computed one (AUTO does, to choose LFPI)
 */
public record InstanceStats(String method, int iterations, double relativeResidual, Status status, String detail,
        OptionalDouble spectralRadius) {
    /** Checks that method, status, detail and spectralRadius are non-null and iterations non-negative. */
    public InstanceStats {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(spectralRadius, "spectralRadius");
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        }
    }

    /** Creates statistics without a spectral-radius estimate. */
    public InstanceStats(String method, int iterations, double relativeResidual, Status status, String detail) {
        this(method, iterations, relativeResidual, status, detail, OptionalDouble.empty());
    }

    /** @return whether the status is {@link Status#OPTIMAL} */
    public boolean ok() {
        return status.ok();
    }
}
