package io.foldopt.operator;

import io.foldopt.autodiff.Var;
import io.foldopt.linalg.Vec;
import java.util.function.Function;

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
        return total(t -> t.apply(x));
    }

    @Override
    public Var adjoint(Var y) {
        return total(t -> t.adjoint(y));
    }

    @Override
    public double[] apply(double[] x, int batch) {
        return total(batch * rows(), t -> t.apply(x, batch));
    }

    @Override
    public double[] adjoint(double[] y, int batch) {
        return total(batch * cols(), t -> t.adjoint(y, batch));
    }

    /** @return the sum over the terms of {@code part(term)} */
    private Var total(Function<LinearOperator, Var> part) {
        Var out = part.apply(terms[0]);
        for (int i = 1; i < terms.length; i++) {
            out = out.add(part.apply(terms[i]));
        }
        return out;
    }

    /** @return the sum over the terms of {@code part(term)}, arrays of {@code length} */
    private double[] total(int length, Function<LinearOperator, double[]> part) {
        double[] out = new double[length];
        for (LinearOperator t : terms) {
            Vec.axpy(1, part.apply(t), 0, out, 0, length);
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
