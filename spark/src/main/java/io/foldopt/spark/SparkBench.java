package io.foldopt.spark;

import io.foldopt.nn.Adam;
import io.foldopt.nn.DataLoader;
import io.foldopt.nn.Sequential;
import io.foldopt.nn.Trainer;
import io.foldopt.parallel.CpuClock;
import io.foldopt.parallel.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code foldopt spark bench}: the throughput of {@code spark solve} (solve and VJP) under {@code local[1]} and
 * {@code local[2]}, the per-job overhead of Spark, and the time per epoch of data-parallel training against
 * single-machine training with the same global batch; each with wall time, the process's CPU time and the load
 * average, as a Markdown table.
 */
final class SparkBench {
    private SparkBench() {}

    /** One measurement. */
    record Row(String what, String master, double seconds, double cpuSeconds, String figure, String load) {}

    /**
     * @param count the number of QP instances
     * @param n their size (with {@code n} inequalities)
     * @param partitions the partitions of the table and of the training samples
     * @param masters the masters to compare
     * @param train the training samples per epoch (0: no training figures)
     * @param batch the global minibatch of training
     * @param work a new folder for the instance table and the results
     * @return the measurements
     */
    static List<Row> run(long count, int n, int partitions, List<String> masters, int train, int batch, Path work)
            throws IOException {
        Files.createDirectories(work);
        String table = work.resolve("qp.parquet").toString();
        List<Row> rows = new ArrayList<>();
        DecisionTask task = new DecisionTask(0, 10, 3, 3);
        for (String master : masters) {
            SparkSession spark = Sessions.get(master, partitions);
            try {
                if (!Files.exists(Path.of(table))) {
                    InstanceGenerator.qpTable(spark, count, partitions, 0, n, 0, n).write().parquet(table);
                }
                double[] jobs = new double[7];
                for (int k = 0; k < jobs.length; k++) {
                    long t = System.nanoTime();
                    spark.range(0, partitions, 1, partitions).javaRDD().map(x -> x).count();
                    jobs[k] = (System.nanoTime() - t) * 1e-9;
                }
                Arrays.sort(jobs);
                rows.add(new Row("empty job over " + partitions + " partitions (median of 7)", master, jobs[3], 0,
                        String.format(Locale.ROOT, "%.0f ms per job", jobs[3] * 1e3), load()));
                long cpu = CpuClock.processNanos();
                String out = work.resolve("solutions-" + master.replaceAll("[^0-9a-z]", "")).toString();
                SparkSolve.Summary s = SparkSolve.run(spark, table, SparkSolve.Format.PARQUET, out, 0, true,
                        SparkSolve.Options.of(64));
                rows.add(new Row("spark solve: " + count + " QPs n = " + n + ", m = " + n + ", solve + VJP", master,
                        s.seconds(), CpuClock.secondsSince(cpu), String.format(Locale.ROOT, "%.1f instances/s (%s)",
                                s.rows() / s.seconds(), s.statuses()), load()));
                if (train > 0) {
                    cpu = CpuClock.processNanos();
                    SparkTrain.Result r = SparkTrain.train(spark, task,
                            new SparkTrain.Options(1, batch, 0.05, train, 0, partitions), null);
                    rows.add(new Row("spark train: 1 epoch, " + train + " samples, batch " + batch
                            + " (nonconvex QP n = 10, folded PGD)", master, r.epochs().get(0).seconds(),
                            CpuClock.secondsSince(cpu), (train + batch - 1) / batch + " steps (jobs)", load()));
                }
            } finally {
                spark.stop();
            }
        }
        if (train > 0) {
            Parallel.setThreads(Runtime.getRuntime().availableProcessors());
            Sequential model = task.model();
            var samples = task.samples(0, 0, train);
            TrainingTask.ShardLoss loss = task.loss();
            long cpu = CpuClock.processNanos();
            long t = System.nanoTime();
            new Trainer(model, new Adam(model.parameters(), 0.05), (b, report) -> loss.apply(model, b))
                    .fit(new DataLoader(samples, batch, true, task.seed()), 1);
            rows.add(new Row("single machine: Trainer, same epoch", "threads " + Parallel.threads(),
                    (System.nanoTime() - t) * 1e-9, CpuClock.secondsSince(cpu), "", load()));
        }
        return rows;
    }

    /** @return the measurements as a Markdown table */
    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| what | master | wall s | CPU s | figure | load average (1, 5, 15 min) |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f | %s | %s |%n", r.what(), r.master(),
                    r.seconds(), r.cpuSeconds(), r.figure(), r.load()));
        }
        return sb.toString();
    }


    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
