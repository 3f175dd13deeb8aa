package io.foldopt.spark;

import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import java.io.Serializable;

/**
 * What {@link SparkTrain} trains data-parallel: a model, the samples, and the loss of a shard of a minibatch
 * computed through a folded layer. The driver broadcasts the model's parameters {@code θ}; each partition installs
 * them in its own {@link #model()} and records {@link #loss()} on its rows of the minibatch; {@code SparkTrain}
 * differentiates it (forward solves and folded backward on the executor) and adds the shards' shares in partition
 * order. The minibatch loss is the mean over its samples, so the shards' losses must be means over their rows.
 *
 * <p>Spark ships the task to the executors, so an implementation must be serializable, and everything must be a
 * function of its fields: {@link #model()} returns the same initial parameters on every call, and sample {@code i}
 * of a set depends only on the set and {@code i}, so that each executor generates its own samples and any
 * partitioning gives the same data. {@link DecisionTask} is one such task. {@code foldopt spark train --task
 * class:NAME} trains a task of a class with a public no-argument constructor.
 */
public interface TrainingTask extends Serializable {
    /** @return the seed of the minibatches' shuffling */
    long seed();

    /** @return the untrained model, with the same initial parameters on every call */
    Layer model();

    /**
     * @param set 0 for the training set, 1 for the test set
     * @param indices the samples' indices in the set
     * @return the samples, in the order of {@code indices}; sample {@code i} depends only on {@code (set, i)}
     */
    Dataset samples(int set, long[] indices);

    /** @return samples {@code from .. to - 1} of a set (see {@link #samples(int, long[])}) */
    default Dataset samples(int set, long from, long to) {
        long[] indices = new long[Math.toIntExact(to - from)];
        for (int k = 0; k < indices.length; k++) {
            indices[k] = from + k;
        }
        return samples(set, indices);
    }

    /** @return the loss of a shard, built once per partition and minibatch */
    ShardLoss loss();

    /**
     * @return the sum over the samples of the test metric of {@code model} (whose mean over the test set
     *     {@code SparkTrain} reports); by default the mean loss of the data, computed without recording, times its
     *     size
     */
    default double metricSum(Layer model, Dataset data) {
        return GradMode.noGrad(() -> loss().apply(model, data)).item() * data.size();
    }

    /**
     * @return the settings of the task's folded layer, written to the report's {@code config.json} (its backward
     *     solver and tolerance); by default {@link FoldOptions#defaults()}: override it when the layer uses others
     */
    default FoldOptions layerOptions() {
        return FoldOptions.defaults();
    }

    /** @return the name of the test metric of {@link #metricSum}, for reports; by default {@code loss} */
    default String metricName() {
        return "loss";
    }

    /** The loss of a shard of a minibatch. */
    @FunctionalInterface
    interface ShardLoss {
        /**
         * @param model the model with the broadcast parameters
         * @param shard the shard's rows of the minibatch
         * @return the mean loss over the shard's rows, recorded for differentiation with respect to the model's
         *     parameters
         */
        Var apply(Layer model, Dataset shard);
    }
}
