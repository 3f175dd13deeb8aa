package io.foldopt.linalg;

import java.util.Optional;

/**
 * The operator of {@link BatchedOperator#ofRows}: instances {@code offset .. offset+batch-1} of a row action, with
 * restrictions to contiguous parts of them.
 */
final class RowOperator implements BatchedOperator {
    private final int batch;
    private final int dim;
    private final int offset;
    private final RowAction action;

    RowOperator(int batch, int dim, int offset, RowAction action) {
        this.batch = batch;
        this.dim = dim;
        this.offset = offset;
        this.action = action;
    }

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
        action.apply(offset, offset + batch, x, y);
    }

    @Override
    public Optional<BatchedOperator> restrict(int from, int to) {
        if (from < 0 || to > batch || from >= to) {
            throw new IllegalArgumentException("part [" + from + ", " + to + ") is not a nonempty part of a batch of "
                    + batch);
        }
        return Optional.of(new RowOperator(to - from, dim, offset + from, action));
    }
}
