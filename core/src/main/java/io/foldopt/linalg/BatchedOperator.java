package io.foldopt.linalg;

import java.util.Optional;

/**
 * A batch of {@code B} independent linear maps on {@code R^n}, applied together:
 * {@code y_b = A_b x_b} for every instance {@code b}.
 *
 * <p>Vectors of the batch are stored as rows of a flat row-major {@code B x n} array. An
 * implementation must treat the rows independently (row {@code b} of {@code y} depends only on row
 * {@code b} of {@code x}) and should skip work for rows of {@code x} that are entirely zero: the
 * solvers zero the rows of instances that have already converged.
 */
public interface BatchedOperator {
    /** @return the number of instances {@code B} */
    int batch();

    /** @return the dimension {@code n} of each instance */
    int dim();

    /**
     * Computes {@code y = A x} row by row.
     *
     * @param x input, length {@code B*n}; not modified
     * @param y output, length {@code B*n}; overwritten
     */
    void apply(double[] x, double[] y);

    /**
     * The operator on a contiguous part of the batch, for solving the parts concurrently: its instance {@code b} is
     * instance {@code from + b} of this operator, and it may be applied concurrently with other restrictions of this
     * operator (never with this operator itself).
     *
     * @param from first instance of the part
     * @param to end of the part (exclusive), {@code from < to <= batch()}
     * @return the restriction, or empty if this operator has none (the default)
     */
    default Optional<BatchedOperator> restrict(int from, int to) {
        return Optional.empty();
    }

    /** The action {@code y = A x} of a {@link #of} operator. */
    @FunctionalInterface
    interface Action {
        /** Computes {@code y = A x} row by row on {@code B x n} arrays. */
        void apply(double[] x, double[] y);
    }

    /** The action {@code y = A x} of an {@link #ofRows} operator on the instances {@code from .. to-1}. */
    @FunctionalInterface
    interface RowAction {
        /**
         * Computes {@code y = A x} for the instances {@code from .. to-1}, whose rows alone {@code x} and {@code y}
         * hold ({@code (to - from) x n} arrays); may be called concurrently for disjoint parts.
         */
        void apply(int from, int to, double[] x, double[] y);
    }

    /**
     * @return the operator of {@code batch} instances of dimension {@code dim} that applies {@code action} to all of
     *     them, and whose {@link #restrict restrictions} apply it to their parts
     */
    static BatchedOperator ofRows(int batch, int dim, RowAction action) {
        return new RowOperator(batch, dim, 0, action, true);
    }

    /** @return the operator of {@code batch} instances of dimension {@code dim} that applies {@code action} */
    static BatchedOperator of(int batch, int dim, Action action) {
        return new RowOperator(batch, dim, 0, (from, to, x, y) -> action.apply(x, y), false);
    }
}
