package io.foldopt.linalg;

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

    /** The action {@code y = A x} of a {@link #of} operator. */
    @FunctionalInterface
    interface Action {
        /** Computes {@code y = A x} row by row on {@code B x n} arrays. */
        void apply(double[] x, double[] y);
    }

    /** @return the operator of {@code batch} instances of dimension {@code dim} that applies {@code action} */
    static BatchedOperator of(int batch, int dim, Action action) {
        return new BatchedOperator() {
            @Override
            public int batch() {
                return batch;
            }

            @Override
            public int dim() {
                return dim;
            }

            @Override
            public void apply(double[] x, double[] y) {
                action.apply(x, y);
            }
        };
    }
}
