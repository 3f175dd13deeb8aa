package io.foldopt.experiments.denoising2d;

import io.foldopt.autodiff.Var;
import io.foldopt.operator.KernelOperator;
import io.foldopt.parallel.Parallel;

/**
 * The operator of {@link FilterBank} for given weights {@code w (K, 3, 3)}: channel {@code k} of {@code D x} is
 * {@code (D_k x)(p) = sum_{o != 0, p + o in the image} w_{k,o} (x(p + o) - x(p))} on {@code s x s} images (pixel
 * {@code (r, c)} at {@code r s + c}, channel {@code k} at offset {@code k s^2}), linear in {@code w}; the centre
 * weights are not used. Its adjoint is
 * {@code (D^T y)(q) = sum_{k, o} w_{k,o} ([q - o inside] y_k(q - o) - [q + o inside] y_k(q))}, and the gradient of
 * {@code <y, D x>} with respect to {@code w_{k,o}} is {@code sum_{p, p + o inside} y_k(p) (x(p + o) - x(p))}.
 */
final class NeighbourDifferences extends KernelOperator {
    private static final int SIDE = FilterBank.SIDE;
    private static final int TAPS = SIDE * SIDE;
    private static final int CENTRE = TAPS / 2;

    private final int side;
    private final int filters;

    /**
     * @param side the image side {@code s}
     * @param weights the filters {@code (K, 3, 3)}: a constant, or a recorded node to learn them
     */
    NeighbourDifferences(int side, Var weights) {
        super(weights.dim(0) * side * side, side * side, weights);
        this.side = side;
        this.filters = weights.dim(0);
    }

    /** @return the row offset of tap {@code t} of the 3 x 3 window */
    private static int dr(int t) {
        return t / SIDE - 1;
    }

    /** @return the column offset of tap {@code t} of the 3 x 3 window */
    private static int dc(int t) {
        return t % SIDE - 1;
    }

    /**
     * @return {@code sum_o w_{f,o}} over the taps {@code o} with {@code (r, c) + o} inside the image: the weight
     *     on {@code x(r, c)} itself
     */
    private double centre(double[] p, int f, int r, int c) {
        double sum = 0;
        for (int t = 0; t < TAPS; t++) {
            int rr = r + dr(t);
            int cc = c + dc(t);
            if (t != CENTRE && rr >= 0 && rr < side && cc >= 0 && cc < side) {
                sum += p[f * TAPS + t];
            }
        }
        return sum;
    }

    /**
     * {@code out[at + c] += sign * centre(f, r, c) * v[from + c]} for every column {@code c} of row {@code r}: the
     * interior columns share one weight, the first and last are computed apart.
     */
    private void addCentre(double[] p, int f, int r, double sign, double[] v, int from, double[] out, int at) {
        double inner = side > 2 ? sign * centre(p, f, r, 1) : 0;
        for (int c = 1; c < side - 1; c++) {
            out[at + c] += inner * v[from + c];
        }
        out[at] += sign * centre(p, f, r, 0) * v[from];
        if (side > 1) {
            out[at + side - 1] += sign * centre(p, f, r, side - 1) * v[from + side - 1];
        }
    }

    @Override
    protected void forward(double[] p, double[] x, double[] out, int batch) {
        int hw = side * side;
        Parallel.forEach(batch * filters * side, 18L * side, task -> {
            int r = task % side;
            int f = (task / side) % filters;
            int n = task / (side * filters);
            int in = n * hw;
            int o = n * rows() + f * hw + r * side;
            for (int t = 0; t < TAPS; t++) {
                int rr = r + dr(t);
                double w = p[f * TAPS + t];
                if (t == CENTRE || w == 0 || rr < 0 || rr >= side) {
                    continue;
                }
                int dc = dc(t);
                int from = in + rr * side + dc;
                for (int c = Math.max(0, -dc); c < Math.min(side, side - dc); c++) {
                    out[o + c] += w * x[from + c];
                }
            }
            addCentre(p, f, r, -1, x, in + r * side, out, o);
        });
    }

    @Override
    protected void backward(double[] p, double[] y, double[] out, int batch) {
        int hw = side * side;
        Parallel.forEach(batch * side, 18L * side * filters, task -> {
            int q = task % side;
            int n = task / side;
            int at = n * hw + q * side;
            for (int f = 0; f < filters; f++) {
                int channel = n * rows() + f * hw;
                for (int t = 0; t < TAPS; t++) {
                    double w = p[f * TAPS + t];
                    int pr = q - dr(t);
                    if (t == CENTRE || w == 0 || pr < 0 || pr >= side) {
                        continue;
                    }
                    int dc = dc(t);
                    int from = channel + pr * side - dc;
                    for (int c = Math.max(0, dc); c < Math.min(side, side + dc); c++) {
                        out[at + c] += w * y[from + c];
                    }
                }
                addCentre(p, f, q, -1, y, channel + q * side, out, at);
            }
        });
    }

    @Override
    protected void parameterGradient(double[] x, double[] y, double[] out, int batch) {
        int hw = side * side;
        Parallel.forEach(filters * TAPS, 2L * batch * hw, task -> {
            int t = task % TAPS;
            int f = task / TAPS;
            if (t == CENTRE) {
                return;
            }
            int dr = dr(t);
            int dc = dc(t);
            double s = 0;
            for (int n = 0; n < batch; n++) {
                for (int r = Math.max(0, -dr); r < Math.min(side, side - dr); r++) {
                    int yo = n * rows() + f * hw + r * side;
                    int xo = n * hw + r * side;
                    int from = n * hw + (r + dr) * side + dc;
                    for (int c = Math.max(0, -dc); c < Math.min(side, side - dc); c++) {
                        s += y[yo + c] * (x[from + c] - x[xo + c]);
                    }
                }
            }
            out[task] = s;
        });
    }

    @Override
    public String toString() {
        return "NeighbourDifferences(" + filters + " filters on " + side + " x " + side + ")";
    }
}
