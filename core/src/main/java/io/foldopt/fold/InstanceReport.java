package io.foldopt.fold;

import io.foldopt.linalg.SolveStatus;
import io.foldopt.linalg.SolverMethod;
import java.util.OptionalDouble;

/**
 * How the backward solve of one instance went.
 *
 * @param method the solver that ran
 * @param iterations operator applications (VJPs through {@code U})
 * @param relativeResidual {@code ||(I - Phi)^T v - g|| / ||g||} of the returned {@code v}
 * @param status converged, or why not
 * @param spectralRadius power-iteration estimate of {@code rho(Phi)}, if it was computed
 * @param fixedPointResidual {@code ||U(x*, c) - x*|| / max(1, ||x*||)} of the forward solution
 * @param atFixedPoint whether {@code fixedPointResidual} is within the layer's tolerance
 */
public record InstanceReport(SolverMethod method, int iterations, double relativeResidual, SolveStatus status,
        OptionalDouble spectralRadius, double fixedPointResidual, boolean atFixedPoint) {

    /** @return true if the backward solve met its tolerance */
    public boolean converged() {
        return status == SolveStatus.CONVERGED;
    }

    /** @return true if the forward solution was a fixed point and the backward solve converged */
    public boolean ok() {
        return converged() && atFixedPoint;
    }
}
