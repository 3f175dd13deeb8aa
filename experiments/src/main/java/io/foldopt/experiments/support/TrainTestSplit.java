package io.foldopt.experiments.support;

import io.foldopt.nn.Dataset;
import io.foldopt.tensor.Tensor;
import java.util.stream.IntStream;

/**
 * A synthetic data set cut into a training set (the first {@code trainSize} samples) and a test set
 * (the rest). The samples are i.i.d. draws, so the cut needs no shuffling.
 *
 * @param train the training samples
 * @param test the test samples
 */
public record TrainTestSplit(Dataset train, Dataset test) {

    /**
     * @param trainSize the number of training samples, {@code 1 <= trainSize < N}
     * @param tensors aligned tensors {@code (N, ...)}, features first
     * @return the split
     */
    public static TrainTestSplit of(int trainSize, Tensor... tensors) {
        Dataset all = new Dataset(tensors);
        if (trainSize < 1 || trainSize >= all.size()) {
            throw new IllegalArgumentException("need 1 <= trainSize < " + all.size() + ", got " + trainSize);
        }
        return new TrainTestSplit(all.select(IntStream.range(0, trainSize).toArray()),
                all.select(IntStream.range(trainSize, all.size()).toArray()));
    }
}
