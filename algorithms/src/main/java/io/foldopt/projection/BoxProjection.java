package io.foldopt.projection;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;

/**
 * {@code P = min(max(x, l), u)} per coordinate, with the state of every coordinate ({@link #LOWER} if
 * {@code x_i <= l_i}, else {@link #UPPER} if {@code x_i >= u_i}, else {@link #FREE}) cached for the VJPs:
 * {@code g} on the free coordinates to {@code x}, on the lower ones to {@code l}, on the upper ones to
 * {@code u}.
 */
final class BoxProjection extends ProjectionOp {
    private final Operand lower;
    private final Operand upper;
    private final byte[] state;

    private BoxProjection(int batch, int n, Operand lower, Operand upper) {
        super(batch, n);
        this.lower = lower;
        this.upper = upper;
        this.state = new byte[batch * n];
    }

    /** @see Projections#box(Var, Var, Var) */
    static Var apply(Var x, Var lower, Var upper) {
        String name = "box";
        requireBatch(name, x);
        int batch = x.dim(0);
        int n = x.dim(1);
        Operand lo = Operand.perCoordinate(name, "lower", lower, batch, n);
        Operand hi = Operand.perCoordinate(name, "upper", upper, batch, n);
        lo.require(v -> v < Double.POSITIVE_INFINITY, "< +Infinity (and not NaN)");
        hi.require(v -> v > Double.NEGATIVE_INFINITY, "> -Infinity (and not NaN)");
        int rows = Math.max(lo.rows(), hi.rows());
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < n; j++) {
                if (lo.get(b, j) > hi.get(b, j)) {
                    throw new IllegalArgumentException("box: lower = " + lo.get(b, j) + " > upper = " + hi.get(b, j)
                            + (rows > 1 ? " in instance " + b : "") + " at coordinate " + j + ": the box is empty");
                }
            }
        }
        BoxProjection op = new BoxProjection(batch, n, lo, hi);
        return op.record(op.project(x.value().data()), x, lower, upper);
    }

    private Tensor project(double[] x) {
        double[] out = new double[x.length];
        forEachRow(n, b -> {
            for (int j = 0, t = b * n; j < n; j++, t++) {
                double l = lower.get(b, j);
                double u = upper.get(b, j);
                if (x[t] <= l) {
                    state[t] = LOWER;
                    out[t] = l;
                } else if (x[t] >= u) {
                    state[t] = UPPER;
                    out[t] = u;
                } else {
                    state[t] = FREE;
                    out[t] = x[t];
                }
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
        return switch (input) {
            case 0 -> Tensor.wrap(select(gd, state, FREE), batch, n);
            case 1 -> lower.reduce(select(gd, state, LOWER));
            default -> upper.reduce(select(gd, state, UPPER));
        };
    }

    @Override
    Var frozen(Var[] in) {
        return masked(in[0], mask(state, FREE)).add(masked(in[1], mask(state, LOWER)))
                .add(masked(in[2], mask(state, UPPER)));
    }
}
