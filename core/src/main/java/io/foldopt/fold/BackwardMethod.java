package io.foldopt.fold;

/**
 * How the folded backward pass solves {@code (I - Phi)^T v = g}.
 *
 * <p>{@link #AUTO} chooses per call: {@link #DIRECT} if {@code n <= FoldOptions.directMaxDim()};
 * otherwise it estimates {@code rho(Phi)} by power iteration and takes {@link #LFPI} when
 * {@code rho <= FoldOptions.lfpiMaxRho()} (fast geometric convergence, e.g. Newton-type maps with
 * {@code Phi ~ 0}), else {@link #GMRES}, which needs only {@code I - Phi} nonsingular.
 */
public enum BackwardMethod {
    /** Choose from the size and the estimated spectral radius (rule above). */
    AUTO,
    /** Linear fixed-point iteration {@code v <- Phi^T v + g}; needs {@code rho(Phi) < 1}. */
    LFPI,
    /** Restarted GMRES(m). */
    GMRES,
    /** BiCGSTAB. */
    BICGSTAB,
    /** Materialize {@code Phi} with {@code n} VJPs and solve by LU. */
    DIRECT
}
