package io.foldopt.projection;

import io.foldopt.autodiff.Var;

/**
 * Differentiable Euclidean projections {@code P(x) = argmin_{y in C} ||y - x||^2} of every row of a batch
 * {@code x (B, n)}, for use inside update maps such as projected gradient {@code P(x - alpha grad f)}.
 *
 * <p>Each projection is one recorded operation with a closed-form Jacobian, applied in {@code O(n)} per
 * instance (never formed as an {@code n x n} matrix) from data cached by the forward pass, and with VJPs for
 * its parameters too. Parameter shapes: a per-coordinate parameter (bounds, caps, normals) is {@code []},
 * {@code [n]} (shared by the batch) or {@code [B, n]}; a per-instance scalar (radius, level, offset) is
 * {@code []}, {@code [B]} or {@code [B, 1]}; gradients are summed back to the shape given.
 *
 * <p>At points where the projection is not differentiable (a coordinate exactly at a bound, a point exactly
 * on the boundary of the set, an entry exactly at the threshold), every projection uses the same rule: <b>a
 * constraint that holds with equality counts as active</b>, so the Jacobian is the one-sided derivative from
 * the side where that constraint binds. Each method states what this means for it.
 *
 * <p>Invalid input throws {@link IllegalArgumentException}: a non-finite {@code x} (the message names the
 * instance and coordinate), an empty set (negative radius, {@code lower > upper},
 * {@code k > sum(u)}), a zero normal, or an {@code A} without full row rank.
 */
public final class Projections {
    private Projections() {}

    /**
     * Projection onto the box {@code {lower <= y <= upper}}: {@code P_i = min(max(x_i, l_i), u_i)}. Bounds may
     * be infinite ({@code -inf} lower, {@code +inf} upper).
     *
     * <p>Jacobians: {@code dP_i/dx_i = 1} on free coordinates ({@code l_i < x_i < u_i}), {@code dP_i/dl_i = 1}
     * where {@code x_i <= l_i}, {@code dP_i/du_i = 1} where {@code x_i >= u_i}, all other entries 0. A
     * coordinate exactly at a bound is at that bound: derivative 0 in {@code x}, 1 in the bound (if
     * {@code l_i = u_i}, in the lower bound).
     *
     * @param x the points {@code (B, n)}
     * @param lower lower bounds, {@code []}, {@code [n]} or {@code [B, n]}
     * @param upper upper bounds, same shapes, {@code >= lower}
     * @return {@code P(x)}, {@code (B, n)}, differentiable in {@code x}, {@code lower} and {@code upper}
     */
    public static Var box(Var x, Var lower, Var upper) {
        return BoxProjection.apply(x, lower, upper);
    }

    /** @return {@link #box(Var, Var, Var)} with the same constant bounds {@code [lower, upper]} for every coordinate */
    public static Var box(Var x, double lower, double upper) {
        return box(x, Var.scalar(lower), Var.scalar(upper));
    }

    /**
     * Projection onto the nonnegative orthant: {@code P_i = max(x_i, 0)}; {@code dP_i/dx_i = 1} where
     * {@code x_i > 0}, 0 where {@code x_i <= 0} (a zero coordinate is at the bound).
     */
    public static Var nonnegative(Var x) {
        return box(x, 0.0, Double.POSITIVE_INFINITY);
    }

    /**
     * Projection onto the probability simplex {@code {y >= 0, 1^T y = 1}}: {@code P_i = max(x_i - tau, 0)}
     * with the threshold {@code tau} that makes {@code sum_i P_i = 1}, found exactly by sorting.
     *
     * <p>Jacobian: {@code dP/dx = I_F - 1_F 1_F^T / |F|} on the free set {@code F = {i : x_i > tau}}, zero
     * elsewhere. An entry exactly equal to {@code tau} is not free ({@code P_i = 0} is at its bound).
     */
    public static Var simplex(Var x) {
        return ThresholdProjection.simplex(x);
    }

    /**
     * Projection onto the capped simplex {@code {0 <= y <= u, 1^T y = k}}: {@code P_i = clip(x_i - tau, 0,
     * u_i)} with the threshold {@code tau} that makes {@code sum_i P_i = k}, found exactly by merging the
     * sorted breakpoints {@code x_i} and {@code x_i - u_i}.
     *
     * <p>With the free set {@code F = {tau < x_i < tau + u_i}} and the capped set
     * {@code U = {x_i >= tau + u_i}}: {@code dP/dx = I_F - 1_F 1_F^T / |F|}, {@code dP/dk = 1_F / |F|},
     * {@code dP/du_i = e_i - 1_F / |F|} for {@code i} in {@code U} (0 for other {@code i}). An entry exactly
     * at {@code tau} is at 0, one exactly at {@code tau + u_i} is at {@code u_i}; neither is free. If no entry
     * is free ({@code k = 0}, {@code k = sum(u)}, or {@code k} equal to a sum of caps), the {@code 1 / |F|}
     * terms are dropped: {@code dP/dx = 0}, {@code dP/dk = 0}, {@code dP/du_i = e_i} on {@code U}.
     *
     * @param x the points {@code (B, n)}
     * @param u caps {@code >= 0} ({@code +inf} allowed), {@code []}, {@code [n]} or {@code [B, n]}
     * @param k the level, {@code 0 <= k <= sum(u)}, {@code []}, {@code [B]} or {@code [B, 1]}
     * @return {@code P(x)}, differentiable in {@code x}, {@code u} and {@code k}
     */
    public static Var cappedSimplex(Var x, Var u, Var k) {
        return ThresholdProjection.cappedSimplex(x, u, k);
    }

    /** @return {@link #cappedSimplex(Var, Var, Var)} with the same cap {@code u} for every coordinate and level {@code k} */
    public static Var cappedSimplex(Var x, double u, double k) {
        return cappedSimplex(x, Var.scalar(u), Var.scalar(k));
    }

    /**
     * Projection onto the l2 ball {@code {||y||_2 <= r}}: {@code P = x min(1, r / ||x||)}.
     *
     * <p>Where {@code ||x|| >= r}: {@code dP/dx = (r / ||x||) (I - x x^T / ||x||^2)}, {@code dP/dr = x / ||x||};
     * inside: {@code dP/dx = I}, {@code dP/dr = 0}. A point exactly on the sphere uses the first formulas
     * (the constraint is active); for {@code x = 0, r = 0} both derivatives are 0.
     *
     * @param radius {@code r >= 0}, finite, {@code []}, {@code [B]} or {@code [B, 1]}
     * @return {@code P(x)}, differentiable in {@code x} and {@code radius} (to second order)
     */
    public static Var l2Ball(Var x, Var radius) {
        return L2BallProjection.apply(x, radius);
    }

    /** @return {@link #l2Ball(Var, Var)} with the constant radius {@code radius} */
    public static Var l2Ball(Var x, double radius) {
        return l2Ball(x, Var.scalar(radius));
    }

    /**
     * Projection onto the l1 ball {@code {||y||_1 <= r}}: {@code P = x} if {@code ||x||_1 <= r}, else
     * {@code P_i = sign(x_i) max(|x_i| - tau, 0)} with the threshold {@code tau > 0} that makes
     * {@code ||P||_1 = r} (the simplex threshold of {@code |x|}).
     *
     * <p>Where {@code ||x||_1 >= r}, with the free set {@code F = {|x_i| > tau}} and {@code s = sign(x)}:
     * {@code dP/dx = I_F - s_F s_F^T / |F|}, {@code dP/dr = s_F / |F|}. Inside: {@code dP/dx = I},
     * {@code dP/dr = 0}. A point exactly on the sphere uses the first formulas with {@code tau = 0} and
     * {@code F} the nonzero coordinates; an entry with {@code |x_i| = tau} is not free. If {@code F} is empty
     * ({@code r = 0}) both derivatives are 0.
     *
     * @param radius {@code r >= 0}, finite, {@code []}, {@code [B]} or {@code [B, 1]}
     * @return {@code P(x)}, differentiable in {@code x} and {@code radius}
     */
    public static Var l1Ball(Var x, Var radius) {
        return ThresholdProjection.l1Ball(x, radius);
    }

    /** @return {@link #l1Ball(Var, Var)} with the constant radius {@code radius} */
    public static Var l1Ball(Var x, double radius) {
        return l1Ball(x, Var.scalar(radius));
    }

    /**
     * Projection onto the halfspace {@code {a^T y <= b}}: {@code P = x - max(0, a^T x - b) a / ||a||^2}.
     *
     * <p>Where {@code a^T x >= b}, with {@code t = (a^T x - b) / ||a||^2}: {@code dP/dx = I - a a^T / ||a||^2},
     * {@code dP/db = a / ||a||^2}, {@code (dP/da)^T g = -t g - (a^T g) (x - 2 t a) / ||a||^2}; where
     * {@code a^T x < b}: {@code dP/dx = I}, no dependence on {@code a, b}. A point exactly on the boundary uses
     * the first formulas (the constraint is active).
     *
     * @param a the normal, nonzero, {@code [n]} or {@code [B, n]}
     * @param b the offset, {@code []}, {@code [B]} or {@code [B, 1]}
     * @return {@code P(x)}, differentiable in {@code x}, {@code a} and {@code b} (to second order)
     */
    public static Var halfspace(Var x, Var a, Var b) {
        return HalfspaceProjection.apply(x, a, b, false);
    }

    /**
     * Projection onto the hyperplane {@code {a^T y = b}}: {@code P = x - (a^T x - b) a / ||a||^2}, with the
     * derivatives of an active {@link #halfspace} everywhere.
     *
     * @param a the normal, nonzero, {@code [n]} or {@code [B, n]}
     * @param b the offset, {@code []}, {@code [B]} or {@code [B, 1]}
     * @return {@code P(x)}, differentiable in {@code x}, {@code a} and {@code b} (to second order)
     */
    public static Var hyperplane(Var x, Var a, Var b) {
        return HalfspaceProjection.apply(x, a, b, true);
    }

    /**
     * Projection onto the affine set {@code {A y = b}}: {@code P = x - A^T (A A^T)^{-1} (A x - b)}.
     *
     * <p>With {@code y = (A A^T)^{-1} (A x - b)}, {@code w = (A A^T)^{-1} A g} and {@code N g = g - A^T w}:
     * {@code (dP/dx)^T g = N g}, {@code (dP/db)^T g = w}, {@code (dP/dA)^T g = -(y (N g)^T + w P^T)}. The
     * projection is affine in {@code x}, so there are no kinks.
     *
     * @param a {@code A (m, n)} shared by the batch or {@code (B, m, n)}, {@code 1 <= m <= n}, full row rank
     *     ({@code A A^T} must pass the pivot test of {@link io.foldopt.linalg.DenseLU})
     * @param b the right-hand sides, {@code []}, {@code [m]} or {@code [B, m]}
     * @return {@code P(x)}, differentiable in {@code x}, {@code A} and {@code b} (to second order)
     */
    public static Var affine(Var x, Var a, Var b) {
        return AffineProjection.apply(x, a, b);
    }
}
