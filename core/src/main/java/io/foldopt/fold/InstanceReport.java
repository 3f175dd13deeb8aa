package io.foldopt.fold;

import io.foldopt.status.Status;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * How the backward solve of one instance went.
 *
 * @param method the name of the linear solver that ran (for AUTO, the one it chose)
 * @param iterations operator applications (VJPs through {@code U})
 * @param relativeResidual {@code ||(I - Phi)^T v - g|| / ||g||} of the returned {@code v}
 * @param status {@link Status#OPTIMAL} when the solve met its tolerance, else why not
 * @param detail the finer reason behind the status or the solver's choice; empty if none
 * @param spectralRadius power-iteration estimate of {@code rho(Phi)}, if it was computed
 * @param fixedPointResidual {@code ||U(x*, c) - x*|| / max(1, ||x*||)} of the forward solution
 * @param atFixedPoint whether {@code fixedPointResidual} is within the layer's tolerance
 */
public record InstanceReport(String method, int iterations, double relativeResidual, Status status, String detail,
        OptionalDouble spectralRadius, double fixedPointResidual, boolean atFixedPoint) {

    /** @return true if the backward solve met its tolerance */
    public boolean converged() {
        return status.ok();
    }

    /** @return true if the forward solution was a fixed point and the backward solve converged */
    public boolean ok() {
        return converged() && atFixedPoint;
    }

    /**
     * @return one line: method, status, iterations, residual, the spectral radius if known, the fixed-point residual
     *     and the detail, for example {@code GMRES optimal, 12 iterations, residual 3.1e-11, fixed-point residual
     *     2.0e-13}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(method).append(' ').append(status.label()).append(", ")
                .append(iterations).append(" iterations, residual ")
                .append(String.format(Locale.ROOT, "%.2g", relativeResidual));
        spectralRadius.ifPresent(r -> sb.append(String.format(Locale.ROOT, ", rho %.3g", r)));
        sb.append(String.format(Locale.ROOT, ", fixed-point residual %.2g", fixedPointResidual));
        if (!atFixedPoint) {
            sb.append(" (not a fixed point)");
        }
        return detail.isEmpty() ? sb.toString() : sb.append(" [").append(detail).append(']').toString();
    }
}
