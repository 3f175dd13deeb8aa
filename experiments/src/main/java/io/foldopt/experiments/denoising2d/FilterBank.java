package io.foldopt.experiments.denoising2d;

import io.foldopt.autodiff.Var;
import io.foldopt.operator.LinearOperator;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A learned analysis operator for {@code s x s} images: {@code K} normalized zero-mean 3 x 3 filters,
 * differentiable in their weights.
 *
 * <p>From raw weights {@code v (K, 3, 3)} (the centre entries are ignored), filter {@code k} is
 *
 * <pre>
 *   (D_k x)(p) = sum_{o in N, p + o in the image} w_{k,o} (x(p + o) - x(p)),
 *   w_{k,o} = v_{k,o} / n_k,   n_k = sum_{o in N} sqrt(v_{k,o}^2 + eps^2),   eps = 1e-3,
 * </pre>
 *
 * with {@code N} the 8 offsets from the centre of the 3 x 3 window: the filter with centre weight
 * {@code -sum_o w_{k,o}}, so {@code D_k} annihilates constant images, also at the border, where the neighbours outside
 * the image are left out (as in the usual forward differences). Each {@code x -> x(. + o) - x} restricted to the
 * image has norm at most 2 and {@code sum_o |w_{k,o}| <= 1}, so {@code ||D_k|| <= 2} and the stacked operator
 * {@code D = [D_1; ...; D_K]} has {@code ||D|| <= 2 sqrt K} ({@link #normBound}) whatever the weights: step sizes
 * taken from this bound stay valid while the filters are learned. The scale of {@code v} does not change {@code D}
 * (up to {@code eps}), so the filters' strengths are left to the weights {@code lambda_k} of a regularizer
 * {@code sum_k lambda_k ||D_k x||_1}.
 *
 * <p>{@link #differences()} gives the unit forward differences in the four directions right, down, down-right and
 * down-left ({@code (D x)(p) = x(p + o) - x(p)} divided by {@code n_k = sqrt(1 + eps^2) + 7 eps}, about 1.007):
 * anisotropic total variation with diagonal differences.
 */
public final class FilterBank {
    /** The side of the filters. */
    public static final int SIDE = 3;
    private static final int TAPS = SIDE * SIDE;
    private static final int CENTRE = TAPS / 2;
    private static final double EPS = 1e-3;
    /** The offsets of {@link #differences()}: right, down, down-right, down-left, as {@code (row, column)}. */
    private static final int[][] DIRECTIONS = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};

    private FilterBank() {}

    /** @return raw weights {@code (4, 3, 3)} of the forward differences right, down, down-right and down-left */
    public static Tensor differences() {
        double[] v = new double[DIRECTIONS.length * TAPS];
        for (int k = 0; k < DIRECTIONS.length; k++) {
            v[k * TAPS + CENTRE + DIRECTIONS[k][0] * SIDE + DIRECTIONS[k][1]] = 1;
        }
        return Tensor.wrap(v, DIRECTIONS.length, SIDE, SIDE);
    }

    /**
     * @param raw the raw weights {@code v (K, 3, 3)}
     * @return the normalized weights {@code w (K, 3, 3)} with centre 0 (class comment), differentiable in {@code v}
     * @throws IllegalArgumentException if {@code v} is not {@code (K, 3, 3)} or not finite
     */
    public static Var normalized(Var raw) {
        int[] s = raw.shape();
        if (s.length != 3 || s[0] < 1 || s[1] != SIDE || s[2] != SIDE) {
            throw new IllegalArgumentException("FilterBank: the filters must have shape (K, 3, 3), got "
                    + Arrays.toString(s));
        }
        double[] v = raw.value().data();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("FilterBank: a filter weight is not finite: filter " + i / TAPS
                        + ", entry (" + (i % TAPS) / SIDE + ", " + i % SIDE + ") is " + v[i]);
            }
        }
        int k = s[0];
        double[] mask = new double[k * TAPS];
        Arrays.fill(mask, 1);
        for (int f = 0; f < k; f++) {
            mask[f * TAPS + CENTRE] = 0;
        }
        Var w = raw.reshape(k, TAPS).mask(Tensor.wrap(mask, k, TAPS));
        Var norm = w.mul(w).add(EPS * EPS).sqrt().mask(Tensor.wrap(mask, k, TAPS)).sum(1).reshape(k, 1);
        return w.div(norm).reshape(k, SIDE, SIDE);
    }

    /**
     * @param side the image side {@code s}
     * @param raw the raw weights {@code v (K, 3, 3)}: a constant, or a parameter to learn them
     * @return {@code D = [D_1; ...; D_K] (K s^2, s^2)}: channel {@code k} at rows {@code k s^2} to
     *     {@code (k + 1) s^2}, pixel {@code (r, c)} at {@code r s + c}; differentiable in {@code v}
     */
    public static LinearOperator operator(int side, Var raw) {
        if (side < 1) {
            throw new IllegalArgumentException("FilterBank: the image side must be positive, got " + side);
        }
        return new NeighbourDifferences(side, normalized(raw));
    }

    /** @return {@code 2 sqrt K}, a bound on {@code ||D||_2} for {@code K} filters whatever their weights */
    public static double normBound(int filters) {
        return 2 * Math.sqrt(filters);
    }
}
