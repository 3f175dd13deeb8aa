package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.operator.LinearOperator;

/** A {@link LinearOperator} backed by a dense matrix {@code M (m, n)} held as a {@link Var}, for small tests. */
record DenseOperator(Var matrix) implements LinearOperator {
    @Override
    public int rows() {
        return matrix.dim(0);
    }

    @Override
    public int cols() {
        return matrix.dim(1);
    }

    @Override
    public Var apply(Var x) {
        return x.matmul(matrix.transpose());
    }

    @Override
    public Var adjoint(Var y) {
        return y.matmul(matrix);
    }
}
