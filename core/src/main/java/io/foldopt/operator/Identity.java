package io.foldopt.operator;

import io.foldopt.autodiff.Var;

/** The identity {@code I_n}: {@code apply} and {@code adjoint} return their operand. */
final class Identity implements LinearOperator {
    private final int n;

    Identity(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Operators.identity: n must be >= 0, got " + n);
        }
        this.n = n;
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public int cols() {
        return n;
    }

    @Override
    public Var apply(Var x) {
        OperandShapes.batchOf(this, "apply", x, n);
        return x;
    }

    @Override
    public Var adjoint(Var y) {
        OperandShapes.batchOf(this, "adjoint", y, n);
        return y;
    }

    @Override
    public double[] apply(double[] x, int batch) {
        OperandShapes.requireLength(this, "apply", x.length, batch, n);
        return x.clone();
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        return apply(y, batch);
    }

    @Override
    public String toString() {
        return "Identity(" + n + ")";
    }
}
