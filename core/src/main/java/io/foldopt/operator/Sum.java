package io.foldopt.operator;

import io.foldopt.autodiff.Var;

/** {@code K_1 + ... + K_k} for operators of equal dimensions. */
final class Sum implements LinearOperator {
    private final LinearOperator[] terms;

    Sum(LinearOperator[] terms) {
        OperandShapes.requireSameShape("Operators.sum", terms);
        this.terms = terms.clone();
    }

    @Override
    public int rows() {
        return terms[0].rows();
    }

    @Override
    public int cols() {
        return terms[0].cols();
    }

    @Override
    public Var apply(Var x) {
        Var out = terms[0].apply(x);
        for (int i = 1; i < terms.length; i++) {
            out = out.add(terms[i].apply(x));
        }
        return out;
    }

    @Override
    public Var adjoint(Var y) {
        Var out = terms[0].adjoint(y);
        for (int i = 1; i < terms.length; i++) {
            out = out.add(terms[i].adjoint(y));
        }
        return out;
    }

    @Override
    public double[] apply(double[] x, int batch) {
        double[] out = new double[batch * rows()];
        for (LinearOperator t : terms) {
            double[] part = t.apply(x, batch);
            io.foldopt.linalg.Vec.axpy(1, part, 0, out, 0, out.length);
        }
        return out;
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        double[] out = new double[batch * cols()];
        for (LinearOperator t : terms) {
            double[] part = t.adjoint(y, batch);
            io.foldopt.linalg.Vec.axpy(1, part, 0, out, 0, out.length);
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < terms.length; i++) {
            s.append(i == 0 ? "" : " + ").append(terms[i]);
        }
        return s.append(')').toString();
    }
}
