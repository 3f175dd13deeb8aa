package io.foldopt.operator;

import io.foldopt.autodiff.Var;
import io.foldopt.linalg.Vec;

/** {@code s K} for a scalar {@code s}, fixed or learned. */
final class Scaled implements LinearOperator {
    private final LinearOperator k;
    private final Var s;

    Scaled(LinearOperator k, Var s) {
        if (s.value().size() != 1) {
            throw new IllegalArgumentException("Operators.scale: the factor must be a scalar, got shape "
                    + java.util.Arrays.toString(s.shape()));
        }
        this.k = k;
        this.s = s.rank() == 0 ? s : s.reshape();
    }

    @Override
    public int rows() {
        return k.rows();
    }

    @Override
    public int cols() {
        return k.cols();
    }

    @Override
    public Var apply(Var x) {
        return k.apply(x).mul(s);
    }

    @Override
    public Var adjoint(Var y) {
        return k.adjoint(y).mul(s);
    }

    @Override
    public double[] apply(double[] x, int batch) {
        return scaled(k.apply(x, batch));
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        return scaled(k.adjoint(y, batch));
    }

    private double[] scaled(double[] v) {
        double[] out = new double[v.length];
        Vec.scale(s.item(), v, 0, out, 0, v.length);
        return out;
    }

    @Override
    public String toString() {
        return s.item() + " " + k;
    }
}
