package io.foldopt.projection;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;

/**
 * {@code P = x - t a} with {@code t = (a^T x - b) / ||a||^2} on an <em>active</em> instance (every instance of
 * a hyperplane; {@code a^T x >= b} for a halfspace), {@code P = x} elsewhere. On active instances:
 * {@code dP/dx = I - a a^T / ||a||^2}, {@code dP/db = a / ||a||^2} and {@code (dP/da)^T g =
 * -t g - (a^T g) (x - 2 t a) / ||a||^2}. {@code t}, {@code 1 / ||a||^2} and the activity are cached.
 */
final class HalfspaceProjection extends ProjectionOp {
    private final Tensor x;
    private final Operand a;
    private final Operand b;
    private final boolean[] active;
    private final double[] t;
    private final double[] inverseSquaredNorm;

    private HalfspaceProjection(Tensor x, Operand a, Operand b) {
        super(x.dim(0), x.dim(1));
        this.x = x;
        this.a = a;
        this.b = b;
        this.active = new boolean[batch];
        this.t = new double[batch];
        this.inverseSquaredNorm = new double[batch];
    }

    /**
     * @param equality true for the hyperplane {@code a^T y = b}, false for the halfspace {@code a^T y <= b}
     * @see Projections#halfspace(Var, Var, Var)
     * @see Projections#hyperplane(Var, Var, Var)
     */
    static Var apply(Var x, Var a, Var b, boolean equality) {
        String name = equality ? "hyperplane" : "halfspace";
        requireBatch(name, x);
        int batch = x.dim(0);
        int n = x.dim(1);
        Operand normal = Operand.perCoordinate(name, "a", a, batch, n);
        Operand offset = Operand.perInstance(name, "b", b, batch);
        normal.require(Double::isFinite, "finite");
        offset.require(Double::isFinite, "finite");
        HalfspaceProjection op = new HalfspaceProjection(x.value(), normal, offset);
        for (int i = 0; i < normal.rows(); i++) {
            if (op.squaredNorm(i) == 0) {
                throw new IllegalArgumentException(name + ": a = 0" + normal.inInstance(i)
                        + "; the normal of a " + name + " must be nonzero");
            }
        }
        return op.record(op.project(equality), x, a, b);
    }

    private double squaredNorm(int row) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += a.get(row, j) * a.get(row, j);
        }
        return s;
    }

    private Tensor project(boolean equality) {
        double[] xs = x.data();
        double[] out = new double[xs.length];
        forEachRow(4L * n, r -> {
            int off = r * n;
            double ax = 0;
            for (int j = 0; j < n; j++) {
                ax += a.get(r, j) * xs[off + j];
            }
            double bb = b.get(r);
            active[r] = equality || ax >= bb;
            inverseSquaredNorm[r] = 1.0 / squaredNorm(r);
            t[r] = active[r] ? (ax - bb) * inverseSquaredNorm[r] : 0.0;
            for (int j = 0; j < n; j++) {
                out[off + j] = xs[off + j] - t[r] * a.get(r, j);
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
        double[] out = new double[input == 2 ? batch : gd.length];
        forEachRow(4L * n, r -> {
            if (!active[r]) {
                if (input == 0) {
                    System.arraycopy(gd, r * n, out, r * n, n);
                }
                return;
            }
            int off = r * n;
            double ag = 0;
            for (int j = 0; j < n; j++) {
                ag += a.get(r, j) * gd[off + j];
            }
            double c = ag * inverseSquaredNorm[r];
            if (input == 2) {
                out[r] = c;
            } else if (input == 0) {
                for (int j = 0; j < n; j++) {
                    out[off + j] = gd[off + j] - c * a.get(r, j);
                }
            } else {
                double tr = t[r];
                for (int j = 0; j < n; j++) {
                    out[off + j] = -tr * gd[off + j] - c * (xs[off + j] - 2 * tr * a.get(r, j));
                }
            }
        });
        return switch (input) {
            case 0 -> Tensor.wrap(out, batch, n);
            case 1 -> a.reduce(out);
            default -> b.reduce(out);
        };
    }

    @Override
    Var frozen(Var[] in) {
        double[] on = new double[batch];
        for (int r = 0; r < batch; r++) {
            on[r] = active[r] ? 1.0 : 0.0;
        }
        Var av = in[1];
        Var step = rowSum(in[0].mul(av)).sub(b.broadcastable(in[2])).div(rowSum(av.mul(av))).mul(column(on));
        return in[0].sub(step.mul(av));
    }
}
