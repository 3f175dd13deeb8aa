package io.foldopt.linalg;

import java.util.Optional;

/**
 * The operators of {@link BatchedOperator#of} and {@link BatchedOperator#ofRows}: instances
 * {@code offset .. offset+batch-1} of a row action, with restrictions to contiguous parts of them if the action
 * applies to any part.
 */
final class RowOperator implements BatchedOperator {
    private final int batch;
    private final int dim;
    private final int offset;
    private final RowAction action;
    private final boolean restrictable;

    RowOperator(int batch, int dim, int offset, RowAction action, boolean restrictable) {
        this.batch = batch;
        this.dim = dim;
        this.offset = offset;
        this.action = action;
        this.restrictable = restrictable;
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
        return restrictable ? Optional.of(new RowOperator(to - from, dim, offset + from, action, true))
                : Optional.empty();
    }
}
