package io.foldopt.problems;

import io.foldopt.linalg.Cholesky;
import io.foldopt.status.Status;

/**
 * First- and second-order classification of a point {@code x} of a smooth function {@code f} on the box
 * {@code lo <= x <= hi}, from its gradient {@code g} and its Hessian {@code H} (dense, or as Hessian-vector
 * products).
 *
 * <p>With a stationarity tolerance {@code tol}, each coordinate is <em>free</em> ({@code lo_i < x_i < hi_i}),
 * <em>strongly active</em> (exactly on a bound, with {@code |g_i| > tol}) or <em>weakly active</em> (exactly on a
 * bound, with {@code |g_i| <= tol}). The point is stationary when the projected-gradient residual
 * {@code max_i |x_i - clip(x_i - g_i, lo_i, hi_i)|} is at most {@code tol}. Then, with {@code S} the free and weakly
 * active coordinates, {@code F} the free ones and the curvature margin
 * {@code delta = 1e-8 max(1, max_i |H_ii|)} (tested by Cholesky factorizations, so the costs are those of
 * factoring {@code H_SS}):
 *
 * <ul>
 *   <li>{@link Kind#LOCAL_MINIMUM}: {@code S} is empty or {@code H_SS - delta I} is positive definite (the
 *       second-order sufficient condition: the critical cone lies in the span of {@code S});
 *   <li>{@link Kind#MAXIMUM}: no coordinate is strongly active and {@code H_SS + delta I} is negative definite;
 *   <li>{@link Kind#SADDLE}: a feasible direction {@code d} of curvature {@code d^T H d < -delta ||d||^2} exists,
 *       on {@code F} (both {@code +d} and {@code -d} are feasible) or on {@code S} with weakly active components
 *       of feasible signs; the direction is returned so that a solver can leave the point along it;
 *   <li>{@link Kind#DEGENERATE}: otherwise: the smallest curvature on {@code S} is within {@code delta} of zero,
 *       or negative only in directions that leave the box, and second-order information cannot decide;
 *   <li>{@link Kind#NOT_STATIONARY}: the residual exceeds {@code tol} or {@code x} is outside the box.
 * </ul>
 */
public final class StationaryPointCheck {
    /** Relative curvature margin {@code delta / max(1, max |H_ii|)}. */
    public static final double CURVATURE_MARGIN = 1e-8;

    private StationaryPointCheck() {}

    /** What kind of point was found. */
    public enum Kind {
        /** A strict local minimum (second-order sufficient conditions hold). */
        LOCAL_MINIMUM,
        /** Stationary with a feasible direction of negative curvature. */
        SADDLE,
        /** Stationary with negative curvature in every direction of the critical subspace. */
        MAXIMUM,
        /** Stationary, but the curvature cannot certify a minimum nor exhibit a descent direction. */
        DEGENERATE,
        /** Not stationary (or not in the box). */
        NOT_STATIONARY
    }

    /** A Hessian as products {@code out = H v}. */
    @FunctionalInterface
    public interface HessianProduct {
        /** Writes {@code H v} into {@code out} (both of length {@code n}). */
        void apply(double[] v, double[] out);
    }

    /**
     * The classification of one point.
     *
     * @param kind the class
     * @param residual the projected-gradient residual {@code max_i |x_i - clip(x_i - g_i, lo_i, hi_i)|}
     * @param free the number of free coordinates
     * @param weaklyActive the number of weakly active coordinates
     * @param stronglyActive the number of strongly active coordinates
     * @param direction for {@link Kind#SADDLE} and {@link Kind#MAXIMUM}, a feasible direction {@code d}
     *     (length {@code n}, zero on the strongly active coordinates) with {@code d^T H d < 0}; otherwise null
     * @param curvature {@code d^T H d / ||d||^2} of that direction (NaN without one)
     */
    public record Result(Kind kind, double residual, int free, int weaklyActive, int stronglyActive, double[] direction,
            double curvature) {

        /**
         * @return {@link Status#OPTIMAL} for a local minimum, {@link Status#NOT_A_MINIMUM} for a saddle, maximum or
         *     degenerate point, {@link Status#NUMERICAL_FAILURE} for a point that is not stationary
         */
        public Status status() {
            return switch (kind) {
                case LOCAL_MINIMUM -> Status.OPTIMAL;
                case SADDLE, MAXIMUM, DEGENERATE -> Status.NOT_A_MINIMUM;
                case NOT_STATIONARY -> Status.NUMERICAL_FAILURE;
            };
        }
    }

    /**
     * Classifies {@code x} with a dense Hessian.
     *
     * @param hessian {@code H (n x n)}, row-major, symmetric
     * @param tol the stationarity tolerance (absolute, in the units of {@code g})
     */
    public static Result classify(double[] x, double[] g, double[] lo, double[] hi, double[] hessian, double tol) {
        int n = x.length;
        if (hessian.length != (long) n * n) {
            throw new IllegalArgumentException("Hessian has " + hessian.length + " entries, expected " + n + " x " + n);
        }
        return classify(x, g, lo, hi, (rows, cols) -> {
            double[] sub = new double[rows.length * cols.length];
            for (int a = 0; a < rows.length; a++) {
                for (int b = 0; b < cols.length; b++) {
                    sub[a * cols.length + b] = hessian[rows[a] * n + cols[b]];
                }
            }
            return sub;
        }, tol);
    }

    /**
     * Classifies {@code x} with Hessian-vector products: one product per free or weakly active coordinate
     * assembles the reduced Hessian.
     *
     * @param tol the stationarity tolerance (absolute, in the units of {@code g})
     */
    public static Result classify(double[] x, double[] g, double[] lo, double[] hi, HessianProduct hessian,
            double tol) {
        int n = x.length;
        return classify(x, g, lo, hi, (rows, cols) -> {
            double[] sub = new double[rows.length * cols.length];
            double[] e = new double[n];
            double[] column = new double[n];
            for (int b = 0; b < cols.length; b++) {
                e[cols[b]] = 1;
                hessian.apply(e, column);
                e[cols[b]] = 0;
                for (int a = 0; a < rows.length; a++) {
                    sub[a * cols.length + b] = column[rows[a]];
                }
            }
            // Symmetrize: products of a symmetric H agree up to rounding.
            for (int a = 0; a < rows.length; a++) {
                for (int b = 0; b < a; b++) {
                    double m = 0.5 * (sub[a * cols.length + b] + sub[b * cols.length + a]);
                    sub[a * cols.length + b] = m;
                    sub[b * cols.length + a] = m;
                }
            }
            return sub;
        }, tol);
    }

    /** The submatrix {@code H[rows, cols]} (row-major). */
    private interface SubMatrix {
        double[] of(int[] rows, int[] cols);
    }

    private static Result classify(double[] x, double[] g, double[] lo, double[] hi, SubMatrix h, double tol) {
        int n = x.length;
        if (g.length != n || lo.length != n || hi.length != n) {
            throw new IllegalArgumentException("x, g, lo and hi must have the same length, got " + n + ", "
                    + g.length + ", " + lo.length + ", " + hi.length);
        }
        // 0 free, 1 weakly active at lo, 2 weakly active at hi, 3 strongly active
        int[] role = new int[n];
        double residual = 0;
        boolean inBox = true;
        int free = 0;
        int weak = 0;
        for (int i = 0; i < n; i++) {
            double projected = Math.min(Math.max(x[i] - g[i], lo[i]), hi[i]);
            residual = Math.max(residual, Math.abs(x[i] - projected));
            inBox &= x[i] >= lo[i] && x[i] <= hi[i];
            boolean atLo = x[i] == lo[i];
            boolean atHi = x[i] == hi[i];
            if (!atLo && !atHi) {
                role[i] = 0;
                free++;
            } else if (Math.abs(g[i]) <= tol) {
                role[i] = atLo ? 1 : 2;
                weak++;
            } else {
                role[i] = 3;
            }
        }
        int strong = n - free - weak;
        if (!(residual <= tol) || !inBox) {
            return new Result(Kind.NOT_STATIONARY, residual, free, weak, strong, null, Double.NaN);
        }
        int[] s = new int[free + weak];
        int[] f = new int[free];
        for (int i = 0, a = 0, b = 0; i < n; i++) {
            if (role[i] < 3) {
                s[a++] = i;
            }
            if (role[i] == 0) {
                f[b++] = i;
            }
        }
        if (s.length == 0) {
            return new Result(Kind.LOCAL_MINIMUM, residual, free, weak, strong, null, Double.NaN);
        }
        double[] hs = h.of(s, s);
        int r = s.length;
        double maxDiag = 1;
        for (int a = 0; a < r; a++) {
            maxDiag = Math.max(maxDiag, Math.abs(hs[a * r + a]));
        }
        double delta = CURVATURE_MARGIN * maxDiag;
        if (Cholesky.factor(hs, r, -delta, 0).isPositiveDefinite()) {
            return new Result(Kind.LOCAL_MINIMUM, residual, free, weak, strong, null, Double.NaN);
        }
        double[] direction = null;
        if (f.length > 0) {
            double[] hf = f.length == r ? hs : h.of(f, f);
            Cholesky onFree = Cholesky.factor(hf, f.length, delta, 0);
            if (!onFree.isPositiveDefinite()) {
                direction = embed(onFree.lowCurvatureDirection(), f, n);
            }
        }
        if (direction == null) {
            Cholesky onS = Cholesky.factor(hs, r, delta, 0);
            if (!onS.isPositiveDefinite()) {
                double[] d = embed(onS.lowCurvatureDirection(), s, n);
                direction = feasibleSign(d, role);
            }
        }
        if (direction == null) {
            return new Result(Kind.DEGENERATE, residual, free, weak, strong, null, Double.NaN);
        }
        double curvature = rayleigh(hs, s, direction);
        double[] negated = new double[r * r];
        for (int a = 0; a < negated.length; a++) {
            negated[a] = -hs[a];
        }
        Kind kind = strong == 0 && Cholesky.factor(negated, r, -delta, 0).isPositiveDefinite() ? Kind.MAXIMUM
                : Kind.SADDLE;
        return new Result(kind, residual, free, weak, strong, direction, curvature);
    }

    /** @return {@code v} (indexed by {@code idx}) as a vector of length {@code n}, zero elsewhere */
    private static double[] embed(double[] v, int[] idx, int n) {
        double[] d = new double[n];
        for (int a = 0; a < idx.length; a++) {
            d[idx[a]] = v[a];
        }
        return d;
    }

    /**
     * @return {@code d} or {@code -d}, whichever keeps every weakly active coordinate inside the box (increasing
     *     at a lower bound, decreasing at an upper one), or null if neither does
     */
    private static double[] feasibleSign(double[] d, int[] role) {
        boolean plus = true;
        boolean minus = true;
        for (int i = 0; i < d.length; i++) {
            if (role[i] == 1) {
                plus &= d[i] >= 0;
                minus &= d[i] <= 0;
            } else if (role[i] == 2) {
                plus &= d[i] <= 0;
                minus &= d[i] >= 0;
            }
        }
        if (plus) {
            return d;
        }
        if (minus) {
            for (int i = 0; i < d.length; i++) {
                d[i] = -d[i];
            }
            return d;
        }
        return null;
    }

    /** @return {@code d^T H d / ||d||^2} for {@code d} supported on {@code s} */
    private static double rayleigh(double[] hs, int[] s, double[] d) {
        int r = s.length;
        double num = 0;
        double den = 0;
        for (int a = 0; a < r; a++) {
            double da = d[s[a]];
            den += da * da;
            double row = 0;
            for (int b = 0; b < r; b++) {
                row += hs[a * r + b] * d[s[b]];
            }
            num += da * row;
        }
        return num / den;
    }
}
