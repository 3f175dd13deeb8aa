package io.foldopt.spark;

import io.foldopt.autodiff.Autodiff;
import io.foldopt.autodiff.Var;
import io.foldopt.experiments.EpochRecord;
import io.foldopt.nn.Adam;
import io.foldopt.nn.DataLoader;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Parameter;
import io.foldopt.parallel.CpuClock;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Synchronous data-parallel training of a {@link TrainingTask} through its folded layer (the built-in
 * {@link DecisionTask}, or a user's), as Spark MLlib trains its models: the samples stay on the executors
 * ({@link SampleBlocks}); for each minibatch the driver broadcasts the parameters {@code θ}, every partition computes
 * its share {@code b_p L_p} of the batch's loss and its gradient {@code b_p ∇_θ L_p} (the task's shard loss
 * {@code L_p} on its {@code b_p} samples of the batch: forward solves and folded backward),
 * {@code treeAggregate} brings the shares to the driver, which adds them in partition order ({@link PartitionSums})
 * and takes the Adam step with {@code (1/B) Σ_p b_p ∇_θ L_p}. The minibatches are those of a shuffling
 * {@link DataLoader} with the task's seed ({@link DataLoader#order(int, boolean, long, int)}), so with the same
 * seed and global batch size the parameters equal single-machine training with {@link io.foldopt.nn.Trainer} up
 * to rounding.
 */
public final class SparkTrain {
    private SparkTrain() {}

    /**
     * The settings of a run.
     *
     * @param epochs the number of epochs
     * @param batch the global minibatch size {@code B}
     * @param learningRate Adam's learning rate
     * @param trainCount the number of training samples
     * @param testCount the number of test samples (0: no test metric)
     * @param partitions the number of partitions of the samples
     */
    public record Options(int epochs, int batch, double learningRate, long trainCount, long testCount,
            int partitions) {
        /** Validates the settings. */
        public Options {
            if (epochs < 1 || batch < 1 || trainCount < 1 || testCount < 0 || partitions < 1
                    || !(learningRate > 0) || trainCount > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("need epochs, batch, partitions >= 1, 1 <= train <= 2^31 - 1, "
                        + "test >= 0 and a positive learning rate");
            }
        }
    }

    /** Called after each epoch with the trained model. */
    @FunctionalInterface
    public interface EpochListener {
        /** @param record the epoch's figures; @param model the model after the epoch */
        void onEpoch(EpochRecord record, Layer model);
    }

    /**
     * The outcome of a run.
     *
     * @param model the trained model
     * @param initialTestMetric the test metric of the untrained model (NaN without a test set)
     * @param epochs one record per epoch
     */
    public record Result(Layer model, double initialTestMetric, List<EpochRecord> epochs) {}

    /** Trains the task's model; see the class comment. */
    public static Result train(SparkSession spark, TrainingTask task, Options options, EpochListener listener) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Layer model = task.model();
        List<Parameter> parameters = model.parameters();
        Adam adam = new Adam(parameters, options.learningRate());
        int size = (int) options.trainCount();
        JavaRDD<SampleBlocks.Block> train = SampleBlocks.generate(spark, task, 0, size, options.partitions());
        JavaRDD<SampleBlocks.Block> test = options.testCount() == 0 ? null
                : SampleBlocks.generate(spark, task, 1, options.testCount(), options.partitions());
        double initial = test == null ? Double.NaN : testMetric(jsc, test, task, parameters);
        List<EpochRecord> records = new ArrayList<>();
        int steps = (size + options.batch() - 1) / options.batch();
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            long start = System.nanoTime();
            long cpuStart = CpuClock.processNanos();
            int[] order = DataLoader.order(size, true, task.seed(), epoch);
            int[] stepOf = new int[size];
            for (int position = 0; position < size; position++) {
                stepOf[order[position]] = position / options.batch();
            }
            Broadcast<int[]> steps0f = jsc.broadcast(stepOf);
            double lossSum = 0;
            for (int step = 0; step < steps; step++) {
                Broadcast<double[][]> theta = jsc.broadcast(SampleBlocks.values(parameters));
                double[] total = shares(train, task, theta, steps0f, step);
                theta.destroy();
                double count = total[1];
                if (!Double.isFinite(total[0])) {
                    throw diverged(epoch, step, "the loss is " + total[0] / count);
                }
                List<Tensor> grads = new ArrayList<>();
                int offset = 2;
                for (Parameter p : parameters) {
                    double[] g = new double[p.value().size()];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = total[offset + i] / count;
                        if (!Double.isFinite(g[i])) {
                            throw diverged(epoch, step, "the gradient of parameter '" + p.name() + "' is not finite");
                        }
                    }
                    offset += g.length;
                    grads.add(Tensor.wrap(g, p.value().shape()));
                }
                adam.step(grads);
                lossSum += total[0];
            }
            steps0f.destroy();
            double seconds = (System.nanoTime() - start) * 1e-9;
            double metric = test == null ? Double.NaN : testMetric(jsc, test, task, parameters);
            EpochRecord record = new EpochRecord(epoch + 1, lossSum / size, metric, seconds,
                    CpuClock.secondsSince(cpuStart), 0, 0, 0, 0, 0, 0);
            records.add(record);
            if (listener != null) {
                listener.onEpoch(record, model);
            }
        }
        train.unpersist(false);
        if (test != null) {
            test.unpersist(false);
        }
        return new Result(model, initial, records);
    }

    /**
     * @return {@code (Σ_p b_p L_p, Σ_p b_p, Σ_p b_p ∇_θ L_p)} of minibatch {@code step}, the gradients flattened
     *     in parameter order
     */
    private static double[] shares(JavaRDD<SampleBlocks.Block> train, TrainingTask task,
            Broadcast<double[][]> theta, Broadcast<int[]> stepOf, int step) {
        return train.mapPartitionsWithIndex((index, blocks) -> {
            List<PartitionSums> out = new ArrayList<>();
            while (blocks.hasNext()) {
                SampleBlocks.Block block = blocks.next();
                int[] steps = stepOf.value();
                int[] rows = java.util.stream.IntStream.range(0, block.indices().length)
                        .filter(k -> steps[(int) block.indices()[k]] == step).toArray();
                if (rows.length > 0) {
                    out.add(PartitionSums.of(index, share(task, theta.value(), block.data().select(rows))));
                }
            }
            return out.iterator();
        }, false).treeAggregate(new PartitionSums(), PartitionSums::merge, PartitionSums::merge).total();
    }

    /** @return {@code (b L, b, b ∇_θ L)} of a partition's {@code b} samples of the batch */
    private static double[] share(TrainingTask task, double[][] theta, Dataset batch) {
        Layer model = task.model();
        SampleBlocks.install(model, theta);
        List<Parameter> parameters = model.parameters();
        Var loss = task.loss().apply(model, batch);
        Tensor[] grads = Autodiff.grad(loss, parameters.stream().map(Parameter::var).toArray(Var[]::new));
        int b = batch.size();
        int length = 2;
        for (Tensor g : grads) {
            length += g.size();
        }
        double[] out = new double[length];
        out[0] = b * loss.item();
        out[1] = b;
        int offset = 2;
        for (Tensor g : grads) {
            double[] d = g.data();
            for (int i = 0; i < d.length; i++) {
                out[offset + i] = b * d[i];
            }
            offset += d.length;
        }
        return out;
    }

    private static IllegalStateException diverged(int epoch, int step, String what) {
        return new IllegalStateException("training diverged in epoch " + (epoch + 1) + ", step " + (step + 1) + ": "
                + what);
    }

    /** @return the task's mean test metric of the current parameters over the test blocks */
    static double testMetric(JavaSparkContext jsc, JavaRDD<SampleBlocks.Block> test, TrainingTask task,
            List<Parameter> parameters) {
        Broadcast<double[][]> theta = jsc.broadcast(SampleBlocks.values(parameters));
        try {
            return SampleBlocks.meanMetric(test, task, theta);
        } finally {
            theta.destroy();
        }
    }
}
