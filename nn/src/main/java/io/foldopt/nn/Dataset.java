package io.foldopt.nn;

import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * An ordered list of aligned tensors {@code T_0 (N, ...), ..., T_{k-1} (N, ...)} whose row {@code i}
 * (along axis 0) together form sample {@code i}; typically features {@code X (N, d)} and targets
 * {@code Y (N, k)}. A minibatch is itself a dataset.
 */
public final class Dataset {
    private final Tensor[] tensors;
    private final int size;

    /**
     * @param tensors at least one tensor of rank at least 1, all with the same length {@code N} of axis 0
     */
    public Dataset(Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("a dataset needs at least one tensor");
        }
        this.tensors = tensors.clone();
        for (int t = 0; t < tensors.length; t++) {
            if (tensors[t].rank() == 0) {
                throw new IllegalArgumentException("tensor " + t + " of a dataset is a scalar; it needs a sample axis");
            }
            if (tensors[t].dim(0) != tensors[0].dim(0)) {
                throw new IllegalArgumentException("tensor " + t + " has " + tensors[t].dim(0)
                        + " samples, tensor 0 has " + tensors[0].dim(0));
            }
        }
        this.size = tensors[0].dim(0);
    }

    /** @return the number {@code N} of samples */
    public int size() {
        return size;
    }

    /** @return the number {@code k} of tensors */
    public int width() {
        return tensors.length;
    }

    /** @return tensor {@code T_t} */
    public Tensor get(int t) {
        return tensors[t];
    }

    /** @return tensor {@code T_0}, the features by convention */
    public Tensor features() {
        return tensors[0];
    }

    /** @return tensor {@code T_1}, the targets by convention */
    public Tensor targets() {
        if (tensors.length < 2) {
            throw new IllegalStateException("this dataset has no targets (a single tensor)");
        }
        return tensors[1];
    }

    /** @return the dataset of samples {@code rows[0], rows[1], ...}, in that order (rows are copied) */
    public Dataset select(int[] rows) {
        Tensor[] out = new Tensor[tensors.length];
        for (int t = 0; t < tensors.length; t++) {
            Tensor src = tensors[t];
            int per = src.size() / Math.max(1, size);
            double[] data = src.data();
            double[] picked = new double[rows.length * per];
            for (int r = 0; r < rows.length; r++) {
                if (rows[r] < 0 || rows[r] >= size) {
                    throw new IndexOutOfBoundsException("sample " + rows[r] + " outside a dataset of " + size);
                }
                System.arraycopy(data, rows[r] * per, picked, r * per, per);
            }
            int[] shape = src.shape();
            shape[0] = rows.length;
            out[t] = Tensor.wrap(picked, shape);
        }
        return new Dataset(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Dataset[").append(size).append(" samples:");
        for (Tensor t : tensors) {
            sb.append(' ').append(Arrays.toString(t.shape()));
        }
        return sb.append(']').toString();
    }
}
