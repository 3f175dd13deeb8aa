package io.foldopt.algorithms;

import io.foldopt.autodiff.Var;
import io.foldopt.operator.LinearOperator;

/**
 * A dense matrix {@code M (m, n)} held as a {@link Var}, as a {@link LinearOperator} on batches: {@code x M^T} and
 * {@code y M}, differentiable in the operand and in {@code M}.
 */
record MatrixOperator(Var matrix) implements LinearOperator {
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
