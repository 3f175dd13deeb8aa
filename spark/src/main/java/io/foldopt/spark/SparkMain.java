package io.foldopt.spark;

import io.foldopt.experiments.EpochRecord;
import io.foldopt.experiments.ExperimentConfig;
import io.foldopt.experiments.ExperimentResult;
import io.foldopt.experiments.MethodResult;
import io.foldopt.experiments.report.Provenance;
import io.foldopt.experiments.report.Report;
import io.foldopt.fold.FoldOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code foldopt spark}: foldopt's jobs on Apache Spark, in the embedded local mode ({@code --master local[*]},
 * the default) or submitted to a cluster with {@code spark-submit --class io.foldopt.spark.SparkMain}. The
 * {@code foldopt} launcher runs this class for {@code foldopt spark ...} with Spark on the classpath; the
 * command-line tool itself does not depend on Spark.
 */
@Command(name = "foldopt spark", mixinStandardHelpOptions = true,
        subcommands = {SparkMain.Solve.class, SparkMain.Generate.class, SparkMain.Train.class, SparkMain.Eval.class,
            SparkMain.Bench.class, CommandLine.HelpCommand.class},
        description = "foldopt on Apache Spark: solve and differentiate many instances, train and evaluate.")
public final class SparkMain implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status: 0 on success, 1 on a failure, 2 on a usage error. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the command tree, reporting a failure as one line on stderr */
    static CommandLine commandLine() {
        return new CommandLine(new SparkMain()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("foldopt spark: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if ("1".equals(System.getenv("FOLDOPT_VERBOSE"))) {
                e.printStackTrace(err);
            }
            return 1;
        });
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: solve, generate, train, eval, bench");
    }

    /** The options every job has, and the command's output. */
    abstract static class Job {
        @CommandLine.Mixin
        SessionOptions session = new SessionOptions();

        @Spec
        CommandLine.Model.CommandSpec spec;

        /** @return the command's standard output */
        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    /** Where a job runs: the master and the partitions of its data. */
    static final class SessionOptions {
        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master: local[*] (default: all cores), local[N], or a cluster URL; "
                        + "under spark-submit the submitted one.")
        String master;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
                description = "Partitions of the data (solve: those of the input unless given; generate, train, "
                        + "eval: default Spark's default parallelism).")
        int partitions;

        SparkSession session() {
            return Sessions.get(master, Math.max(1, partitions == 0 ? 8 : partitions));
        }

        /** @return {@code --partitions}, or the session's default parallelism when not given */
        int partitions(SparkSession spark) {
            return partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        }
    }

    /** The size and seed of generated problems; the defaults are the command's. */
    static final class ProblemOptions {
        @Option(names = "--n", description = "Variables (default: ${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--equalities", description = "Equalities (default: ${DEFAULT-VALUE}).")
        int equalities;

        @Option(names = "--inequalities", description = "Inequalities (default: ${DEFAULT-VALUE}).")
        int inequalities;

        @Option(names = "--seed", description = "Seed of every random draw: problems, data, initialization, "
                + "shuffling (default: ${DEFAULT-VALUE}).")
        long seed;

        ProblemOptions(int n, int equalities, int inequalities) {
            this.n = n;
            this.equalities = equalities;
            this.inequalities = inequalities;
        }
    }

    /** The training set and minibatch; the default training set is the command's. */
    static final class TrainingOptions {
        @Option(names = "--train", description = "Training samples (default: ${DEFAULT-VALUE}).")
        int train;

        @Option(names = "--batch", defaultValue = "64", description = "Global minibatch (default: ${DEFAULT-VALUE}).")
        int batch;

        TrainingOptions(int train) {
            this.train = train;
        }
    }

    /** {@code foldopt spark solve}. */
    @Command(name = "solve", mixinStandardHelpOptions = true,
            description = "Solve every instance of a table (JSON lines or Parquet; one qp, topk or box-nonconvex-qp "
                    + "problem, or a row of parameters of a --family, per row) and differentiate those with a "
                    + "cotangent g; write one result row per instance (id, status, x, grad, backward report) as "
                    + "Parquet. Rows without a solution get a status (invalid-input for an invalid row) and the "
                    + "reason.")
    static final class Solve extends Job implements Callable<Integer> {
        @Parameters(paramLabel = "INSTANCES", description = "The instance table: a file or folder.")
        String input;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The Parquet folder to write.")
        String output;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "json or parquet (default: parquet if INSTANCES ends in .parquet, else json).")
        String format;

        @Option(names = "--batch", defaultValue = "64", paramLabel = "B",
                description = "Most instances solved at once in a task (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--threads-per-task", defaultValue = "1", paramLabel = "T",
                description = "foldopt's threads inside each task (default: ${DEFAULT-VALUE}; Spark runs one task "
                        + "per core).")
        int threads;

        @Option(names = "--jacobian", description = "Also write every instance's Jacobian d x / d p (n VJPs per "
                + "instance; for small n).")
        boolean jacobian;

        @Option(names = "--family", paramLabel = "class:NAME", description = "A user's family (repeatable): a class "
                + "implementing io.foldopt.spark.FoldableFamily with a public no-argument constructor, on the "
                + "classpath (FOLDOPT_SPARK_CLASSPATH; spark-submit: --jars). Rows name it in their family column; "
                + "with one --family, rows without a family are of it.")
        List<String> families = new ArrayList<>();

        @Option(names = "--overwrite", description = "Replace --out if it exists.")
        boolean overwrite;

        @Override
        public Integer call() {
            SparkSolve.Format f = format != null ? SparkSolve.Format.valueOf(format.toUpperCase(Locale.ROOT))
                    : input.endsWith(".parquet") ? SparkSolve.Format.PARQUET : SparkSolve.Format.JSON;
            SparkSolve.Options options;
            try {
                options = new SparkSolve.Options(batch, threads, jacobian,
                        families.stream().map(name -> FoldableFamily.load(name, InstanceSolver.BUILT_IN)).toList());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            SparkSession spark = session.session();
            SparkSolve.Summary s = SparkSolve.run(spark, input, f, output, session.partitions, overwrite, options);
            PrintWriter w = out();
            w.printf(Locale.ROOT, "%d instances in %.2f s (%.1f per second) on %s%n", s.rows(), s.seconds(),
                    s.rows() / s.seconds(), spark.sparkContext().master());
            for (Map.Entry<String, Long> e : s.statuses().entrySet()) {
                w.printf(Locale.ROOT, "  %s: %d%n", e.getKey(), e.getValue());
            }
            w.println("results: " + output);
            return 0;
        }
    }

    /** {@code foldopt spark generate}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a synthetic instance table of strictly feasible random QPs with cotangents, "
                    + "generated on the executors (row i depends only on the seed and i).")
    static final class Generate extends Job implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write.")
        String output;

        @Option(names = "--count", defaultValue = "100000", description = "Instances (default: ${DEFAULT-VALUE}).")
        long count;

        @CommandLine.Mixin
        ProblemOptions problem = new ProblemOptions(50, 0, 50);

        @Option(names = "--format", defaultValue = "parquet", description = "parquet or json (default: "
                + "${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            SparkSession spark = session.session();
            long start = System.nanoTime();
            var writer = InstanceGenerator.qpTable(spark, count, session.partitions(spark), problem.seed, problem.n,
                    problem.equalities, problem.inequalities).write();
            switch (format.toLowerCase(Locale.ROOT)) {
                case "parquet" -> writer.parquet(output);
                case "json" -> writer.json(output);
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--format must be parquet or json, got " + format);
            }
            out().printf(Locale.ROOT, "%d QP instances (n = %d, %d equalities, %d inequalities) in %.2f s: %s%n",
                    count, problem.n, problem.equalities, problem.inequalities, (System.nanoTime() - start) * 1e-9,
                    output);
            return 0;
        }
    }

    /** {@code foldopt spark train}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Decision-focused training through a folded layer (nonconvex QP, folded projected gradient "
                    + "over SQP; or a user's --task), data-parallel: parameters broadcast, per-partition loss and "
                    + "gradient, treeAggregate, Adam step on the driver. Writes the report folder of foldopt run, "
                    + "model.json and a checkpoint per epoch.")
    static final class Train extends Job implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The report folder (new).")
        Path output;

        @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
        int epochs;

        @CommandLine.Mixin
        TrainingOptions training = new TrainingOptions(2000);

        @Option(names = "--lr", defaultValue = "0.05", description = "Adam's learning rate (default: "
                + "${DEFAULT-VALUE}).")
        double learningRate;

        @Option(names = "--test", defaultValue = "1000", description = "Test samples (default: ${DEFAULT-VALUE}).")
        long test;

        @CommandLine.Mixin
        ProblemOptions problem = new ProblemOptions(10, 3, 3);

        @Option(names = "--task", paramLabel = "class:NAME", description = "A user's task instead of the nonconvex "
                + "QP (whose options --n, --equalities, --inequalities, --seed it ignores): a class implementing "
                + "io.foldopt.spark.TrainingTask with a public no-argument constructor, on the classpath "
                + "(FOLDOPT_SPARK_CLASSPATH; spark-submit: --jars).")
        String userTask;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(output)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--out " + output + " exists; name a "
                        + "new folder");
            }
            TrainingTask task;
            try {
                task = userTask == null ? new DecisionTask(problem.seed, problem.n, problem.equalities,
                        problem.inequalities) : UserClasses.load(userTask, TrainingTask.class);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--task: " + e.getMessage());
            }
            SparkSession spark = session.session();
            int partitions = session.partitions(spark);
            Path checkpoints = Files.createDirectories(output.resolve("checkpoints"));
            PrintWriter w = out();
            SparkTrain.Result r = SparkTrain.train(spark, task, new SparkTrain.Options(epochs, training.batch,
                    learningRate, training.train, test, partitions), (record, model) -> {
                        try {
                            new TrainedModel(task, model).write(checkpoints.resolve("epoch-" + record.epoch()
                                    + ".json"));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        w.printf(Locale.ROOT, "epoch %d: train loss %.6g, test %s %.6g, %.2f s%n", record.epoch(),
                                record.trainLoss(), task.metricName(), record.testMetric(), record.seconds());
                        w.flush();
                    });
            TrainedModel trained = new TrainedModel(task, r.model());
            trained.write(output.resolve("model.json"));
            Map<String, Object> settings = new LinkedHashMap<>();
            if (task instanceof DecisionTask d) {
                settings.put("n", d.n());
                settings.put("equalities", d.equalities());
                settings.put("inequalities", d.inequalities());
            } else {
                settings.put("task", userTask);
            }
            settings.put("train", training.train);
            settings.put("test", test);
            settings.put("master", spark.sparkContext().master());
            settings.put("partitions", partitions);
            FoldOptions backward = task.layerOptions();
            ExperimentConfig config = new ExperimentConfig(ExperimentConfig.Size.SMALL, epochs, training.batch,
                    learningRate, backward.solver(), backward.tolerance(), task.seed(), settings);
            List<EpochRecord> records = r.epochs();
            ExperimentResult result = new ExperimentResult(task instanceof DecisionTask ? "spark-nonconvex-qp"
                    : "spark-" + task.getClass().getSimpleName(), config, task.metricName().replace(' ', '_'), true,
                    List.of(new MethodResult(trained.modelName(), r.initialTestMetric(),
                            records.get(records.size() - 1).testMetric(), records)));
            List<String> commandLine = new ArrayList<>(List.of("foldopt", "spark"));
            commandLine.addAll(spec.commandLine().getParseResult().originalArgs());
            Report.write(result, Provenance.now(commandLine), output);
            w.println("report: " + output);
            return 0;
        }
    }

    /** {@code foldopt spark eval}. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "The test metric (mean normalized regret, or a user's task's metric) of a model written by "
                    + "foldopt spark train over a test set generated on the executors.")
    static final class Eval extends Job implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.json or a checkpoint.")
        Path model;

        @Option(names = "--count", defaultValue = "100000", description = "Test samples (default: ${DEFAULT-VALUE}).")
        long count;

        @Override
        public Integer call() throws IOException {
            TrainedModel trained = TrainedModel.read(model);
            SparkSession spark = session.session();
            long start = System.nanoTime();
            double metric = SparkEval.meanMetric(spark, trained, count, session.partitions(spark));
            out().printf(Locale.ROOT, "test %s %.6g over %d samples in %.2f s on %s%n", trained.task().metricName(),
                    metric, count, (System.nanoTime() - start) * 1e-9, spark.sparkContext().master());
            return 0;
        }
    }

    /** {@code foldopt spark bench}. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Measure spark solve's throughput (solve + VJP) under each master, Spark's per-job overhead, "
                    + "and an epoch of spark train (--train 0 skips it) against single-machine training; prints a "
                    + "Markdown table.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "100000", description = "QP instances (default: ${DEFAULT-VALUE}).")
        long count;

        @Option(names = "--n", defaultValue = "50", description = "Variables and inequalities (default: "
                + "${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--masters", defaultValue = "local[1],local[2]", split = ",",
                description = "Masters to compare (default: ${DEFAULT-VALUE}).")
        List<String> masters;

        @Option(names = "--partitions", defaultValue = "8", description = "Partitions (default: ${DEFAULT-VALUE}).")
        int partitions;

        @CommandLine.Mixin
        TrainingOptions training = new TrainingOptions(512);

        @Option(names = "--work", required = true, paramLabel = "DIR",
                description = "A folder for the instance table and results (reused if it holds qp.parquet).")
        Path work;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter w = spec.commandLine().getOut();
            w.print(SparkBench.table(SparkBench.run(count, n, partitions, masters, training.train, training.batch,
                    work)));
            w.flush();
            return 0;
        }
    }
}
