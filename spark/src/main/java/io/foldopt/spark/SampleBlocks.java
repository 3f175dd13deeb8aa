package io.foldopt.spark;

import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Parameter;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The samples of a {@link TrainingTask}'s set on the executors, one block per partition, generated there and kept
 * in memory; and what the jobs compute from them with the model's parameters broadcast: the mean test metric.
 */
final class SampleBlocks {
    /**
     * A partition's samples.
     *
     * @param indices the samples' indices in the set
     * @param data their features, true parameters and optimal values
     */
    record Block(long[] indices, Dataset data) {}

    private SampleBlocks() {}

    /** @return samples {@code 0 .. count - 1} of {@code set} in {@code partitions} blocks, cached */
    static JavaRDD<Block> generate(SparkSession spark, TrainingTask task, int set, long count, int partitions) {
        return spark.range(0, count, 1, partitions).javaRDD().mapPartitions(ids -> {
            List<Long> list = new ArrayList<>();
            ids.forEachRemaining(list::add);
            if (list.isEmpty()) {
                return Collections.<Block>emptyIterator();
            }
            long[] indices = list.stream().mapToLong(Long::longValue).toArray();
            return List.of(new Block(indices, task.samples(set, indices))).iterator();
        }).persist(StorageLevel.MEMORY_ONLY());
    }

    /** @return the parameters' current values, in order */
    static double[][] values(List<Parameter> parameters) {
        double[][] v = new double[parameters.size()][];
        for (int j = 0; j < v.length; j++) {
            v[j] = parameters.get(j).value().data().clone();
        }
        return v;
    }

    /** Installs broadcast values into a model's parameters (same architecture). */
    static void install(Layer model, double[][] values) {
        List<Parameter> parameters = model.parameters();
        for (int j = 0; j < values.length; j++) {
            parameters.get(j).set(Tensor.wrap(values[j].clone(), parameters.get(j).value().shape()));
        }
    }

    /** @return the task's mean test metric of its model with the broadcast parameters over the blocks */
    static double meanMetric(JavaRDD<Block> blocks, TrainingTask task, Broadcast<double[][]> parameters) {
        double[] sumCount = blocks.mapPartitionsWithIndex((index, it) -> {
            double[] v = new double[2];
            if (it.hasNext()) {
                Layer model = task.model();
                install(model, parameters.value());
                while (it.hasNext()) {
                    Dataset data = it.next().data();
                    v[0] += task.metricSum(model, data);
                    v[1] += data.size();
                }
            }
            return List.of(PartitionSums.of(index, v)).iterator();
        }, false).treeAggregate(new PartitionSums(), PartitionSums::merge, PartitionSums::merge).total();
        return sumCount[0] / sumCount[1];
    }
}
