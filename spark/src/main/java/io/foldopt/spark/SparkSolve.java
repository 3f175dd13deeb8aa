package io.foldopt.spark;

import io.foldopt.parallel.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code foldopt spark solve}: reads an instance table ({@link InstanceSchema#INPUT}, JSON lines or Parquet),
 * solves every partition's rows in chunks of at most {@code batch} rows with {@link InstanceSolver} (rows of the
 * same family and shape as one batch; the built-in families and the user's {@link FoldableFamily} ones), and writes
 * one result row per input row ({@link InstanceSchema#OUTPUT}) as Parquet. A row without a solution becomes a result
 * row with a status ({@link io.foldopt.status.Status#INVALID_INPUT} for a row that is not a valid problem) and the
 * reason; it never fails the job.
 */
public final class SparkSolve {
    private SparkSolve() {}

    /** The format of an instance table. */
    public enum Format {
        /** One JSON object per line. */
        JSON,
        /** Apache Parquet. */
        PARQUET
    }

    /**
     * What a job did.
     *
     * @param rows the number of rows
     * @param statuses the number of rows by status label
     * @param seconds the job's wall-clock time, reading and writing included
     */
    public record Summary(long rows, Map<String, Long> statuses, double seconds) {}

    /**
     * @return the table at {@code path} with the columns of {@link InstanceSchema#INPUT} (absent ones null); a
     *     JSON line that does not fit them keeps its text in {@link InstanceSchema#CORRUPT}; rows without an
     *     {@code id} (or whose line cannot be parsed) get a negative one, {@code -1 - monotonically_increasing_id()},
     *     unique and distinct from the non-negative ids of the input
     */
    public static Dataset<Row> read(SparkSession spark, String path, Format format) {
        Dataset<Row> table = format == Format.JSON
                ? spark.read().schema(InstanceSchema.INPUT).option("mode", "PERMISSIVE")
                        .option("columnNameOfCorruptRecord", InstanceSchema.CORRUPT).json(path)
                : spark.read().schema(InstanceSchema.INPUT).parquet(path);
        return table.withColumn("id", functions.coalesce(table.col("id"),
                functions.lit(-1L).minus(functions.monotonically_increasing_id())));
    }

    /**
     * How a job solves.
     *
     * @param batch the largest number of rows solved at once in a task
     * @param threadsPerTask foldopt's threads ({@link Parallel}) inside each task; 1 lets Spark's task slots
     *     use the cores
     * @param jacobian whether to compute every instance's Jacobian {@code d x / d p} too
     * @param families the user's families, rows of which name them in their {@code family} column (rows without one
     *     are of the only family, if there is exactly one)
     */
    public record Options(int batch, int threadsPerTask, boolean jacobian, List<FoldableFamily> families)
            implements java.io.Serializable {
        /** Validates the settings and the families' names (distinct, none a built-in family's). */
        public Options {
            if (batch < 1 || threadsPerTask < 1) {
                throw new IllegalArgumentException("batch and threads per task must be >= 1, got " + batch + " and "
                        + threadsPerTask);
            }
            families = List.copyOf(families);
            Set<String> names = new HashSet<>();
            for (FoldableFamily f : families) {
                if (InstanceSolver.BUILT_IN.contains(f.name())) {
                    throw new IllegalArgumentException("family " + f.getClass().getName() + " has the name \""
                            + f.name() + "\" of a built-in family");
                }
                if (!names.add(f.name())) {
                    throw new IllegalArgumentException("two families have the name \"" + f.name() + "\"");
                }
            }
        }

        /** @return {@code batch} rows at once, one thread per task, no Jacobians, no user families */
        public static Options of(int batch) {
            return new Options(batch, 1, false, List.of());
        }
    }

    /** @return the results, one row of {@link InstanceSchema#OUTPUT} per input row, in the input's order */
    public static Dataset<Row> solve(Dataset<Row> instances, Options options) {
        Dataset<Row> input = instances.select(columns(instances));
        JavaRDD<Row> results = input.toJavaRDD().mapPartitions(rows -> {
            Parallel.setThreads(options.threadsPerTask());
            Map<String, FoldableFamily> families = new LinkedHashMap<>();
            options.families().forEach(f -> families.put(f.name(), f));
            return new Chunks(rows, options.batch(), families, options.jacobian());
        });
        return instances.sparkSession().createDataFrame(results, InstanceSchema.OUTPUT);
    }

    /**
     * Solves the table at {@code in} and writes the results to {@code out} as Parquet.
     *
     * @param partitions the number of partitions to solve in (a shuffle of the table), or 0 for those of the input
     *     (about one per file block)
     * @param overwrite whether to replace {@code out} if it exists
     */
    public static Summary run(SparkSession spark, String in, Format format, String out, int partitions,
            boolean overwrite, Options options) {
        long start = System.nanoTime();
        Dataset<Row> table = read(spark, in, format);
        solve(partitions > 0 ? table.repartition(partitions) : table, options).write()
                .mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(out);
        double seconds = (System.nanoTime() - start) * 1e-9;
        Map<String, Long> statuses = new TreeMap<>();
        long rows = 0;
        for (Row r : spark.read().parquet(out).groupBy("status").count().collectAsList()) {
            statuses.put(r.getString(0), r.getLong(1));
            rows += r.getLong(1);
        }
        return new Summary(rows, statuses, seconds);
    }

    private static org.apache.spark.sql.Column[] columns(Dataset<Row> table) {
        String[] names = InstanceSchema.INPUT.fieldNames();
        org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[names.length];
        for (int i = 0; i < names.length; i++) {
            cols[i] = table.col(names[i]);
        }
        return cols;
    }

    /** The results of a partition's rows, solved a chunk at a time. */
    private static final class Chunks implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final int batch;
        private final Map<String, FoldableFamily> families;
        private final boolean jacobian;
        private final int idColumn = InstanceSchema.INPUT.fieldIndex("id");
        private Iterator<SolvedInstance> current = Collections.emptyIterator();

        Chunks(Iterator<Row> rows, int batch, Map<String, FoldableFamily> families, boolean jacobian) {
            this.rows = rows;
            this.batch = batch;
            this.families = families;
            this.jacobian = jacobian;
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && rows.hasNext()) {
                List<InputRow> chunk = new ArrayList<>(batch);
                while (chunk.size() < batch && rows.hasNext()) {
                    Row r = rows.next();
                    chunk.add(new InputRow(r.getLong(idColumn), r));
                }
                current = InstanceSolver.solve(chunk, families, jacobian).iterator();
            }
            return current.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next().toRow();
        }
    }
}
