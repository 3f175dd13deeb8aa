package io.foldopt.prox;

import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Structure;
import io.foldopt.autodiff.Var;
import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Shapes;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * The group soft-thresholding (prox of a sum of group norms) and the projection onto products of balls, over
 * channel-blocked vectors: a row of length {@code K N} holds {@code K} channel blocks of {@code N} entries, and
 * group {@code j < N} is {@code v_j = (v[j], v[N + j], ..., v[(K-1) N + j])}. This is the layout of
 * {@link io.foldopt.operator.FiniteDifference2d} ({@code K = 2}: the per-pixel gradient, so that
 * {@code sum_j ||(D x)_j||} is isotropic total variation) and of stacked or multi-channel operators.
 *
 * <p>Thresholds and radii broadcast to the group shape (the argument's shape with the last axis {@code N}): a
 * scalar, one per group {@code (N)}, or one per group and row. Their gradients are summed over the broadcast axes.
 * The VJPs are first order: differentiating them again (a graph-recording backward pass) is an
 * {@link UnsupportedOperationException} naming the operation.
 */
public final class GroupL2 {
    private GroupL2() {}

    /**
     * The prox of {@code sum_j t_j ||x_j||}: {@code y_j = max(0, 1 - t_j / ||v_j||) v_j}. Where
     * {@code ||v_j|| > t_j}, {@code dy_j/dv_j = (1 - t_j/r) I + (t_j/r^3) v_j v_j^T} and
     * {@code dy_j/dt_j = -v_j / r} with {@code r = ||v_j||}; elsewhere (the group is zeroed, boundary included) both
     * are 0.
     *
     * @param v the argument {@code (..., K N)}
     * @param channels {@code K}, at least 1, dividing the last axis
     * @param t thresholds {@code >= 0}, broadcast to the group shape
     */
    public static Var prox(Var v, int channels, Var t) {
        int[] shape = v.shape();
        int last = shape.length == 0 ? -1 : shape[shape.length - 1];
        if (channels < 1 || last < 0 || last % channels != 0) {
            throw new IllegalArgumentException("GroupL2: " + channels + " channels do not divide the last axis of"
                    + " shape " + Arrays.toString(shape));
        }
        int n = last / channels;
        int[] groupShape = shape.clone();
        groupShape[shape.length - 1] = n;
        double[] th = thresholds(t, groupShape);
        int groups = th.length;
        double[] u = v.value().data();
        double[] y = new double[u.length];
        double[] norms = new double[groups];
        Parallel.forEach(groups, 3L * channels, g -> {
            int base = (g / n) * last + g % n;
            double ss = 0;
            for (int k = 0; k < channels; k++) {
                ss += u[base + k * n] * u[base + k * n];
            }
            double r = Math.sqrt(ss);
            norms[g] = r;
            double s = r > th[g] ? 1 - th[g] / r : Double.isNaN(r) ? Double.NaN : 0;
            for (int k = 0; k < channels; k++) {
                y[base + k * n] = s * u[base + k * n];
            }
        });
        return Operation.recordFirstOrder("GroupL2.prox", new Tensor[] {Tensor.wrap(y, shape)}, new Var[] {v, t},
                (g, needsGrad) -> {
                    double[] w = g[0].data();
                    double[] dv = new double[u.length];
                    double[] dt = new double[groups];
                    Parallel.forEach(groups, 6L * channels, j -> {
                        double r = norms[j];
                        if (!(r > th[j])) {
                            return;
                        }
                        int base = (j / n) * last + j % n;
                        double ug = 0;
                        for (int k = 0; k < channels; k++) {
                            ug += u[base + k * n] * w[base + k * n];
                        }
                        double s = 1 - th[j] / r;
                        double c = th[j] / (r * r * r) * ug;
                        for (int k = 0; k < channels; k++) {
                            dv[base + k * n] = s * w[base + k * n] + c * u[base + k * n];
                        }
                        dt[j] = -ug / r;
                    });
                    return new Tensor[] {Tensor.wrap(dv, shape),
                        Shapes.sumTo(Tensor.wrap(dt, groupShape), t.shape())};
                })[0];
    }

    /**
     * The projection onto {@code {x : ||x_j|| <= r_j for every group j}}: {@code y_j = v_j min(1, r_j / ||v_j||)},
     * computed as {@code v - prox(v, r)} (Moreau's identity), with the VJPs that follow from {@link #prox}.
     *
     * @param radius radii {@code >= 0}, broadcast to the group shape
     */
    public static Var projectBalls(Var v, int channels, Var radius) {
        return v.sub(prox(v, channels, radius));
    }

    /** @return the thresholds broadcast to {@code groupShape}, checked to be finite and {@code >= 0} */
    private static double[] thresholds(Var t, int[] groupShape) {
        double[] th;
        try {
            th = Structure.broadcastTo(t.detach(), groupShape).value().data();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GroupL2: threshold of shape " + Arrays.toString(t.shape())
                    + " does not broadcast to the group shape " + Arrays.toString(groupShape));
        }
        for (int j = 0; j < th.length; j++) {
            if (!(th[j] >= 0) || th[j] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("GroupL2: threshold must be finite and >= 0, got " + th[j]
                        + " for group " + j);
            }
        }
        return th;
    }
}
