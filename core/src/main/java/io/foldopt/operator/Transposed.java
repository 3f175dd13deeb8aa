package io.foldopt.operator;

import io.foldopt.autodiff.Var;

/** The adjoint {@code K^T} of an operator, sharing its parameters: {@code apply} is {@code K}'s adjoint. */
final class Transposed implements LinearOperator {
    private final LinearOperator k;

    Transposed(LinearOperator k) {
        this.k = k;
    }

    @Override
    public int rows() {
        return k.cols();
    }

    @Override
    public int cols() {
        return k.rows();
    }

    @Override
    public Var apply(Var x) {
        return k.adjoint(x);
    }

    @Override
    public Var adjoint(Var y) {
        return k.apply(y);
    }

    @Override
    public double[] apply(double[] x, int batch) {
        return k.adjoint(x, batch);
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        return k.apply(y, batch);
    }

    @Override
    public LinearOperator transpose() {
        return k;
    }

    @Override
    public String toString() {
        return k + "^T";
    }
}
