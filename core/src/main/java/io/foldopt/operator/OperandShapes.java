package io.foldopt.operator;

import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Shapes;
import java.util.Arrays;

/** Shape checks of operator operands, with messages that name the operator. */
final class OperandShapes {
    private OperandShapes() {}

    /**
     * @return the batch size of an operand whose last axis must be {@code n} (the product of its other axes)
     * @throws IllegalArgumentException naming the operator and both shapes otherwise
     */
    static int batchOf(LinearOperator k, String op, Var x, int n) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != n) {
            throw new IllegalArgumentException(k + "." + op + ": operand has shape " + Arrays.toString(s)
                    + ", its last axis must be " + n);
        }
        return Shapes.size(Arrays.copyOf(s, s.length - 1));
    }

    /** @throws IllegalArgumentException unless {@code length = batch * n} */
    static void requireLength(LinearOperator k, String op, int length, int batch, int n) {
        if (batch < 0 || length != (long) batch * n) {
            throw new IllegalArgumentException(k + "." + op + ": " + length + " values for a batch of " + batch
                    + " rows of " + n);
        }
    }

    /** @throws IllegalArgumentException unless every operator has the dimensions of the first */
    static void requireSameShape(String what, LinearOperator[] ops) {
        requireNonEmpty(what, ops);
        for (int i = 1; i < ops.length; i++) {
            if (ops[i].rows() != ops[0].rows() || ops[i].cols() != ops[0].cols()) {
                throw new IllegalArgumentException(what + ": operator " + i + " (" + ops[i] + ") is " + ops[i].rows()
                        + " x " + ops[i].cols() + ", operator 0 (" + ops[0] + ") is " + ops[0].rows() + " x "
                        + ops[0].cols());
            }
        }
    }

    /** @throws IllegalArgumentException unless every operator has the columns of the first */
    static void requireSameCols(String what, LinearOperator[] ops) {
        requireNonEmpty(what, ops);
        for (int i = 1; i < ops.length; i++) {
            if (ops[i].cols() != ops[0].cols()) {
                throw new IllegalArgumentException(what + ": operator " + i + " (" + ops[i] + ") has " + ops[i].cols()
                        + " columns, operator 0 (" + ops[0] + ") has " + ops[0].cols());
            }
        }
    }

    static void requireNonEmpty(String what, LinearOperator[] ops) {
        if (ops.length == 0) {
            throw new IllegalArgumentException(what + ": needs at least one operator");
        }
    }
}
