package io.foldopt.qp;

/** How the derivative of one QP instance is computed (see {@link DifferentiableQp}). */
public enum QpDerivative {
    /**
     * The active-set KKT matrix {@code K_S} is nonsingular: the VJP is exact for the identified active set
     * (degenerate constraints, if any, are dropped from it; see {@link QpInstanceReport#weaklyActive()}).
     */
    EXACT,
    /** {@code K_S} is singular: the VJP uses its Tikhonov-regularized least-squares solution. */
    REGULARIZED,
    /** The output was not recorded (no parameter requires a gradient, or recording is off). */
    NOT_RECORDED,
    /** The instance is not optimal (flagged, not thrown): its gradient is zero. */
    ZERO
}
