package io.foldopt.fold;

import io.foldopt.status.FailurePolicy;
import java.util.function.Consumer;

/**
 * Settings of a {@link FoldedLayer}'s backward pass.
 *
 * @param method how to solve {@code (I - Phi)^T v = g} (see {@link BackwardMethod} for AUTO's rule)
 * @param tolerance stop when {@code ||(I - Phi)^T v - g|| <= tolerance * ||g||}, per instance
 * @param maxIterations operator applications allowed per instance (iterative methods)
 * @param restart GMRES restart length {@code m}
 * @param warmStart start from the previous call's {@code v} when the batch shape matches
 * @param onFailure what an unconverged instance does
 * @param estimateSpectralRadius always report a power-iteration estimate of {@code rho(Phi)}
 * @param directMaxDim AUTO uses DIRECT up to this dimension {@code n}
 * @param lfpiMaxRho AUTO uses LFPI when the estimated {@code rho(Phi)} is at most this
 * @param fixedPointTolerance largest accepted {@code ||U(x*, c) - x*|| / max(1, ||x*||)} per
 *     instance; a forward solution that is not a fixed point of {@code U} is a failure
 */
public record FoldOptions(BackwardMethod method, double tolerance, int maxIterations, int restart,
        boolean warmStart, FailurePolicy onFailure, boolean estimateSpectralRadius, int directMaxDim,
        double lfpiMaxRho, double fixedPointTolerance) {

    /** Validates the settings. */
    public FoldOptions {
        if (method == null || onFailure == null) {
            throw new IllegalArgumentException("method and onFailure must not be null");
        }
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be positive and finite, got " + tolerance);
        }
        if (maxIterations < 1 || restart < 1) {
            throw new IllegalArgumentException("maxIterations and restart must be >= 1, got " + maxIterations
                    + " and " + restart);
        }
        if (directMaxDim < 0) {
            throw new IllegalArgumentException("directMaxDim must be >= 0, got " + directMaxDim);
        }
        if (!(lfpiMaxRho >= 0 && lfpiMaxRho < 1)) {
            throw new IllegalArgumentException("lfpiMaxRho must be in [0, 1), got " + lfpiMaxRho);
        }
        if (!(fixedPointTolerance > 0)) {
            throw new IllegalArgumentException("fixedPointTolerance must be positive, got " + fixedPointTolerance);
        }
    }

    /** @return AUTO, tolerance 1e-10, 1000 iterations, restart 50, no warm start, THROW */
    public static FoldOptions defaults() {
        return new FoldOptions(BackwardMethod.AUTO, 1e-10, 1000, 50, false, FailurePolicy.THROW, false, 64, 0.3,
                1e-6);
    }

    /** @return a copy with another method */
    public FoldOptions withMethod(BackwardMethod m) {
        return with(b -> b.method = m);
    }

    /** @return a copy with another tolerance */
    public FoldOptions withTolerance(double t) {
        return with(b -> b.tolerance = t);
    }

    /** @return a copy with another iteration limit */
    public FoldOptions withMaxIterations(int k) {
        return with(b -> b.maxIterations = k);
    }

    /** @return a copy with another GMRES restart length */
    public FoldOptions withRestart(int m) {
        return with(b -> b.restart = m);
    }

    /** @return a copy with warm starts on or off */
    public FoldOptions withWarmStart(boolean w) {
        return with(b -> b.warmStart = w);
    }

    /** @return a copy with another failure policy */
    public FoldOptions withOnFailure(FailurePolicy p) {
        return with(b -> b.onFailure = p);
    }

    /** @return a copy that always (or only when AUTO needs it) estimates the spectral radius */
    public FoldOptions withSpectralRadiusEstimate(boolean e) {
        return with(b -> b.estimateSpectralRadius = e);
    }

    /** @return a copy with another largest dimension for which AUTO uses DIRECT */
    public FoldOptions withDirectMaxDim(int n) {
        return with(b -> b.directMaxDim = n);
    }

    /** @return a copy with another spectral-radius threshold below which AUTO uses LFPI */
    public FoldOptions withLfpiMaxRho(double rho) {
        return with(b -> b.lfpiMaxRho = rho);
    }

    /** @return a copy with another fixed-point tolerance for the forward solution */
    public FoldOptions withFixedPointTolerance(double t) {
        return with(b -> b.fixedPointTolerance = t);
    }

    private FoldOptions with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new FoldOptions(c.method, c.tolerance, c.maxIterations, c.restart, c.warmStart, c.onFailure,
                c.estimateSpectralRadius, c.directMaxDim, c.lfpiMaxRho, c.fixedPointTolerance);
    }

    /** Mutable copy of the components, changed by one wither. */
    private static final class Copy {
        BackwardMethod method;
        double tolerance;
        int maxIterations;
        int restart;
        boolean warmStart;
        FailurePolicy onFailure;
        boolean estimateSpectralRadius;
        int directMaxDim;
        double lfpiMaxRho;
        double fixedPointTolerance;

        Copy(FoldOptions o) {
            method = o.method;
            tolerance = o.tolerance;
            maxIterations = o.maxIterations;
            restart = o.restart;
            warmStart = o.warmStart;
            onFailure = o.onFailure;
            estimateSpectralRadius = o.estimateSpectralRadius;
            directMaxDim = o.directMaxDim;
            lfpiMaxRho = o.lfpiMaxRho;
            fixedPointTolerance = o.fixedPointTolerance;
        }
    }
}
