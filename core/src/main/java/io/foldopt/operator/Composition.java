package io.foldopt.operator;

import io.foldopt.autodiff.Var;

/** The product {@code K_1 K_2 ... K_k}: {@code K_k} is applied first. */
final class Composition implements LinearOperator {
    private final LinearOperator[] factors;

    Composition(LinearOperator[] factors) {
        OperandShapes.requireNonEmpty("Operators.compose", factors);
        for (int i = 0; i + 1 < factors.length; i++) {
            if (factors[i].cols() != factors[i + 1].rows()) {
                throw new IllegalArgumentException("Operators.compose: operator " + i + " (" + factors[i] + ") has "
                        + factors[i].cols() + " columns, operator " + (i + 1) + " (" + factors[i + 1] + ") has "
                        + factors[i + 1].rows() + " rows");
            }
        }
        this.factors = factors.clone();
    }

    @Override
    public int rows() {
        return factors[0].rows();
    }

    @Override
    public int cols() {
        return factors[factors.length - 1].cols();
    }

    @Override
    public Var apply(Var x) {
        Var v = x;
        for (int i = factors.length - 1; i >= 0; i--) {
            v = factors[i].apply(v);
        }
        return v;
    }

    @Override
    public Var adjoint(Var y) {
        Var v = y;
        for (LinearOperator f : factors) {
            v = f.adjoint(v);
        }
        return v;
    }

    @Override
    public double[] apply(double[] x, int batch) {
        double[] v = x;
        for (int i = factors.length - 1; i >= 0; i--) {
            v = factors[i].apply(v, batch);
        }
        return v == x ? x.clone() : v;
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        double[] v = y;
        for (LinearOperator f : factors) {
            v = f.adjoint(v, batch);
        }
        return v == y ? y.clone() : v;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < factors.length; i++) {
            s.append(i == 0 ? "" : " ").append(factors[i]);
        }
        return s.append(')').toString();
    }
}
