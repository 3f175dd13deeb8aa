package io.foldopt.projection;

import io.foldopt.autodiff.Reductions;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;

/**
 * {@code P = x min(1, r / ||x||)} per instance. On an <em>active</em> instance ({@code ||x|| >= r}) with
 * {@code s = r / ||x||}: {@code dP/dx = s (I - x x^T / ||x||^2)} and {@code dP/dr = x / ||x||}; elsewhere
 * {@code dP/dx = I}, {@code dP/dr = 0}. The scale {@code s}, {@code 1 / ||x||} and the activity are cached.
 */
final class L2BallProjection extends ProjectionOp {
    private final Tensor x;
    private final Operand radius;
    private final boolean[] active;
    /** {@code r / ||x||} on active instances (0 if {@code x = 0}), 1 elsewhere. */
    private final double[] scale;
    /** {@code 1 / ||x||}, or 0 if {@code x = 0}. */
    private final double[] inverseNorm;

    private L2BallProjection(Tensor x, Operand radius) {
        super(x.dim(0), x.dim(1));
        this.x = x;
        this.radius = radius;
        this.active = new boolean[batch];
        this.scale = new double[batch];
        this.inverseNorm = new double[batch];
    }

    /** @see Projections#l2Ball(Var, Var) */
    static Var apply(Var x, Var radius) {
        requireBatch("l2Ball", x);
        Operand r = Operand.perInstance("l2Ball", "radius", radius, x.dim(0));
        r.require(v -> v >= 0 && v < Double.POSITIVE_INFINITY, "finite and >= 0");
        L2BallProjection op = new L2BallProjection(x.value(), r);
        return op.record(op.project(), x, radius);
    }

    private Tensor project() {
        double[] xs = x.data();
        double[] out = new double[xs.length];
        forEachRow(2L * n, b -> {
            double sq = 0;
            for (int t = b * n; t < (b + 1) * n; t++) {
                sq += xs[t] * xs[t];
            }
            double norm = Math.sqrt(sq);
            double r = radius.get(b);
            active[b] = norm >= r;
            inverseNorm[b] = norm > 0 ? 1.0 / norm : 0.0;
            scale[b] = !active[b] ? 1.0 : norm > 0 ? r / norm : 0.0;
            for (int t = b * n; t < (b + 1) * n; t++) {
                out[t] = scale[b] * xs[t];
            }
        });
        return Tensor.wrap(out, batch, n);
    }

    @Override
    Tensor[] vjp(Tensor g, boolean[] needsGrad) {
        return eachNeeded(needsGrad, i -> vjp(i, g));
    }

    /** @return the VJP for operand {@code input} alone */
    private Tensor vjp(int input, Tensor g) {
        double[] gd = g.data();
        double[] xs = x.data();
        double[] out = new double[input == 0 ? gd.length : batch];
        forEachRow(2L * n, b -> {
            double xg = 0;
            if (active[b]) {
                for (int t = b * n; t < (b + 1) * n; t++) {
                    xg += xs[t] * gd[t];
                }
            }
            if (input == 1) {
                out[b] = xg * inverseNorm[b];
                return;
            }
            double c = xg * inverseNorm[b] * inverseNorm[b];
            for (int t = b * n; t < (b + 1) * n; t++) {
                out[t] = scale[b] * (gd[t] - c * xs[t]);
            }
        });
        return input == 0 ? Tensor.wrap(out, batch, n) : radius.reduce(out);
    }

    @Override
    Var frozen(Var[] in) {
        // P = x (a r / (||x|| + pad) + 1 - a), a = 1 on active instances; pad = 1 where ||x|| = 0 or inactive.
        double[] on = new double[batch];
        double[] off = new double[batch];
        double[] pad = new double[batch];
        for (int b = 0; b < batch; b++) {
            on[b] = active[b] ? 1.0 : 0.0;
            off[b] = 1.0 - on[b];
            pad[b] = active[b] && inverseNorm[b] > 0 ? 0.0 : 1.0;
        }
        Var norm = Reductions.norm2(in[0]).reshape(batch, 1).add(column(pad));
        Var s = radius.broadcastable(in[1]).div(norm).mul(column(on)).add(column(off));
        return in[0].mul(s);
    }
}
