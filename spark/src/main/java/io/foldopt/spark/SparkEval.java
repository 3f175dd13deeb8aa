package io.foldopt.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Distributed evaluation: the mean test metric ({@link TrainingTask#metricSum}; for {@link DecisionTask} the
 * normalized regret) of a trained model over {@code count} test samples of its task, generated and scored on the
 * executors (the model's parameters broadcast, one sum and count per partition added in partition order).
 */
public final class SparkEval {
    private SparkEval() {}

    /** @return the mean test metric of the model over test samples {@code 0 .. count - 1} */
    public static double meanMetric(SparkSession spark, TrainedModel trained, long count, int partitions) {
        if (count < 1 || partitions < 1) {
            throw new IllegalArgumentException("need count and partitions >= 1, got " + count + " and " + partitions);
        }
        var blocks = SampleBlocks.generate(spark, trained.task(), 1, count, partitions);
        try {
            return SparkTrain.testMetric(JavaSparkContext.fromSparkContext(spark.sparkContext()), blocks,
                    trained.task(), trained.model().parameters());
        } finally {
            blocks.unpersist(false);
        }
    }
}
