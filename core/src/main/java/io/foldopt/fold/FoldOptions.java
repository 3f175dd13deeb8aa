package io.foldopt.fold;

import io.foldopt.linalg.AutoSolver;
import io.foldopt.linalg.BatchedLinearSolver;
import io.foldopt.linalg.SolverOptions;
import io.foldopt.status.FailurePolicy;
import java.util.Objects;

/**
 * Settings of a {@link FoldedLayer}: how its backward pass solves {@code (I - Phi)^T v = g}, when a forward
 * solution counts as a fixed point, and the stopping rule of the forward solvers built for the layer
 * ({@link ForwardSolver#iterating}, {@code FoldableAlgorithm.layer}). Start from {@link #defaults()} and change what
 * differs with the withers, for example {@code FoldOptions.defaults().withSolver(new Gmres(30)).withTolerance(1e-8)}.
 *
 * @param solver the linear solver of the backward pass: one of the constants of {@link BatchedLinearSolver}, a
 *     configured solver such as {@code new Gmres(30)} or {@code new AutoSolver(100, 0.5)}, or any implementation
 * @param tolerance stop when {@code ||(I - Phi)^T v - g|| <= tolerance * ||g||}, per instance; in (0, 1)
 * @param maxIterations operator applications allowed per instance (iterative methods), at least 1
 * @param warmStart start from the previous call's {@code v} when the batch shape matches
 * @param onFailure what a failed instance does: THROW a {@link BackwardSolveException}, or FLAG it in the report
 * @param estimateSpectralRadius report a power-iteration estimate of {@code rho(Phi)} for every instance, also when
 *     the solver did not compute one
 * @param fixedPointTolerance largest accepted {@code ||U(x*, c) - x*|| / max(1, ||x*||)} per instance, in (0, 1); a
 *     forward solution that is not a fixed point of {@code U} is a failure
 * @param forwardTolerance the forward iteration's stopping tolerance (the algorithm's own relative measure, such as
 *     {@code ||s_{k+1} - s_k|| / max(1, ||s_k||)}), in (0, 1)
 * @param forwardMaxIterations the forward iteration's budget per instance, at least 1; not converging within it is an
 *     error naming the instance
 */
public record FoldOptions(BatchedLinearSolver solver, double tolerance, int maxIterations, boolean warmStart,
        FailurePolicy onFailure, boolean estimateSpectralRadius, double fixedPointTolerance, double forwardTolerance,
        int forwardMaxIterations) {

    /** Validates the settings; every message names the setting and what it expects. */
    public FoldOptions {
        Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(onFailure, "onFailure");
        SolverOptions.checkTolerance("tolerance", tolerance);
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        SolverOptions.checkTolerance("fixedPointTolerance", fixedPointTolerance);
        SolverOptions.checkTolerance("forwardTolerance", forwardTolerance);
        if (forwardMaxIterations < 1) {
            throw new IllegalArgumentException("forwardMaxIterations must be >= 1, got " + forwardMaxIterations);
        }
    }

    /**
     * @return {@link AutoSolver} with its default thresholds, tolerance 1e-10, 1000 iterations, no warm start, THROW,
     *     no forced spectral-radius estimate, fixed-point tolerance 1e-6, forward tolerance 1e-12 within 10^6
     *     iterations
     */
    public static FoldOptions defaults() {
        return new FoldOptions(BatchedLinearSolver.AUTO, 1e-10, 1000, false, FailurePolicy.THROW, false, 1e-6, 1e-12,
                1_000_000);
    }

    /** @return the stopping rule passed to the backward solver */
    public SolverOptions solverOptions() {
        return new SolverOptions(tolerance, maxIterations);
    }

    /** @return a copy with another backward solver */
    public FoldOptions withSolver(BatchedLinearSolver s) {
        return new FoldOptions(s, tolerance, maxIterations, warmStart, onFailure, estimateSpectralRadius,
                fixedPointTolerance, forwardTolerance, forwardMaxIterations);
    }

    /** @return a copy with another backward tolerance */
    public FoldOptions withTolerance(double t) {
        return new FoldOptions(solver, t, maxIterations, warmStart, onFailure, estimateSpectralRadius,
                fixedPointTolerance, forwardTolerance, forwardMaxIterations);
    }

    /** @return a copy with another iteration limit of the backward solve */
    public FoldOptions withMaxIterations(int k) {
        return new FoldOptions(solver, tolerance, k, warmStart, onFailure, estimateSpectralRadius,
                fixedPointTolerance, forwardTolerance, forwardMaxIterations);
    }

    /** @return a copy with warm starts on or off */
    public FoldOptions withWarmStart(boolean w) {
        return new FoldOptions(solver, tolerance, maxIterations, w, onFailure, estimateSpectralRadius,
                fixedPointTolerance, forwardTolerance, forwardMaxIterations);
    }

    /** @return a copy with another failure policy */
    public FoldOptions withOnFailure(FailurePolicy p) {
        return new FoldOptions(solver, tolerance, maxIterations, warmStart, p, estimateSpectralRadius,
                fixedPointTolerance, forwardTolerance, forwardMaxIterations);
    }

    /** @return a copy that always (or only when the solver computes one) reports a spectral-radius estimate */
    public FoldOptions withSpectralRadiusEstimate(boolean e) {
        return new FoldOptions(solver, tolerance, maxIterations, warmStart, onFailure, e, fixedPointTolerance,
                forwardTolerance, forwardMaxIterations);
    }

    /** @return a copy with another fixed-point tolerance for the forward solution */
    public FoldOptions withFixedPointTolerance(double t) {
        return new FoldOptions(solver, tolerance, maxIterations, warmStart, onFailure, estimateSpectralRadius, t,
                forwardTolerance, forwardMaxIterations);
    }

    /** @return a copy with another stopping rule for the forward solvers built for the layer */
    public FoldOptions withForward(double tolerance, int maxIterations) {
        return new FoldOptions(solver, this.tolerance, this.maxIterations, warmStart, onFailure,
                estimateSpectralRadius, fixedPointTolerance, tolerance, maxIterations);
    }
}
