package io.foldopt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.algorithms.ProjectedGradient;
import io.foldopt.algorithms.SmoothObjective;
import io.foldopt.autodiff.GradMode;
import io.foldopt.autodiff.Var;
import io.foldopt.fold.FoldOptions;
import io.foldopt.fold.FoldedLayer;
import io.foldopt.nn.Adam;
import io.foldopt.nn.DataLoader;
import io.foldopt.nn.Dataset;
import io.foldopt.nn.Layer;
import io.foldopt.nn.Losses;
import io.foldopt.nn.Mlp;
import io.foldopt.nn.Parameter;
import io.foldopt.nn.Trainer;
import io.foldopt.nn.TrainingHistory;
import io.foldopt.projection.Projections;
import io.foldopt.tensor.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Data-parallel training through a folded layer, of the built-in task and of a user's, equals single-machine
 * training with the same seed and global batch ({@link Trainer}, {@link DataLoader}) to 1e-10, and the distributed
 * test metric equals the one computed in one piece.
 */
class SparkTrainTest {
    private static final DecisionTask TASK = new DecisionTask(3, 6, 2, 2);
    private static final int TRAIN = 40;
    private static final int EPOCHS = 2;
    private static final double LEARNING_RATE = 0.05;

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Sessions.get("local[2]", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void trainedParametersEqualSingleMachineTraining() {
        assertDistributedTrainingEqualsTrainer(TASK, 16, 3);
    }

    @Test
    void aUserTaskTrainsLikeSingleMachineTraining() {
        assertDistributedTrainingEqualsTrainer(new QuarticBoxTask(11), 8, 3);
    }

    /** Trains the task on Spark and with {@link Trainer}, with the same seed and global batch. */
    private static void assertDistributedTrainingEqualsTrainer(TrainingTask task, int batch, int partitions) {
        SparkTrain.Result distributed = SparkTrain.train(spark, task,
                new SparkTrain.Options(EPOCHS, batch, LEARNING_RATE, TRAIN, 0, partitions), null);

        Layer model = task.model();
        double[][] initial = SampleBlocks.values(model.parameters());
        TrainingTask.ShardLoss loss = task.loss();
        TrainingHistory history = new Trainer(model, new Adam(model.parameters(), LEARNING_RATE),
                (b, report) -> loss.apply(model, b))
                .fit(new DataLoader(task.samples(0, 0, TRAIN), batch, true, task.seed()), EPOCHS);

        List<Parameter> expected = model.parameters();
        List<Parameter> actual = distributed.model().parameters();
        double moved = 0;
        for (int j = 0; j < expected.size(); j++) {
            double[] e = expected.get(j).value().data();
            double[] a = actual.get(j).value().data();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-10, expected.get(j).name() + "[" + i + "]");
                moved = Math.max(moved, Math.abs(e[i] - initial[j][i]));
            }
        }
        assertTrue(moved > 1e-3, "training changed the parameters: " + moved);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            assertEquals(history.trainLosses()[epoch], distributed.epochs().get(epoch).trainLoss(), 1e-10);
        }
    }

    /**
     * A user's task defined here: a linear model predicts {@code c} from 3 features, the decision is the folded
     * projected-gradient layer {@code x*(c) = argmin over [0, 1]^4 of 1/2 ||x||^2 + 1/4 sum_i x_i^4 - c^T x}, and
     * the loss is the mean squared distance to the decision of the true {@code c}.
     *
     * @param seed the seed of the data, the model and the shuffling
     */
    record QuarticBoxTask(long seed) implements TrainingTask {
        private static final int FEATURES = 3;
        private static final int N = 4;

        /** The task of seed 11, for the command line's {@code --task class:NAME}. */
        public QuarticBoxTask() {
            this(11);
        }

        private static FoldedLayer layer() {
            SmoothObjective f = (x, c) -> x.mul(x).mul(0.5).add(x.pow(4).mul(0.25)).sub(c[0].mul(x)).sum(-1);
            return new ProjectedGradient(N, f, y -> Projections.box(y, 0, 1), 0.2).layer(FoldOptions.defaults()
                    .withForward(1e-12, 2000));
        }

        @Override
        public Layer model() {
            return Mlp.of(new int[] {FEATURES, N}, false, 0.0, seed);
        }

        @Override
        public Dataset samples(int set, long[] indices) {
            double[] u = new double[indices.length * FEATURES];
            double[] c = new double[indices.length * N];
            for (int k = 0; k < indices.length; k++) {
                SplittableRandom rng = new SplittableRandom(seed * 31 + 2 * indices[k] + set);
                for (int j = 0; j < FEATURES; j++) {
                    u[k * FEATURES + j] = rng.nextGaussian();
                }
                for (int i = 0; i < N; i++) {
                    c[k * N + i] = 0.5 + 0.4 * u[k * FEATURES + i % FEATURES] * (i + 1) / N + 0.1 * rng.nextGaussian();
                }
            }
            Tensor decisions = GradMode.noGrad(() -> layer().apply(Var.constant(Tensor.wrap(c, indices.length, N))))
                    .value();
            return new Dataset(Tensor.wrap(u, indices.length, FEATURES), decisions);
        }

        @Override
        public ShardLoss loss() {
            FoldedLayer layer = layer();
            return (model, shard) -> Losses.mse(layer.apply(model.forward(Var.constant(shard.features()))),
                    Var.constant(shard.targets()));
        }
    }

    @Test
    void trainCommandWritesTheReportModelAndCheckpointsThatEvalReads(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        trainAndEval(run, new DecisionTask(0, 6, 2, 2), "normalized regret", "--epochs", "2", "--n", "6",
                "--equalities", "2", "--inequalities", "2");
        for (String file : List.of("config.json", "summary.json", "metrics.csv", "learning_curves.png", "model.json",
                "checkpoints/epoch-1.json", "checkpoints/epoch-2.json")) {
            assertTrue(Files.exists(run.resolve(file)), file);
        }
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size(), "header and two epochs");
    }

    @Test
    void trainCommandTrainsAUserTaskThatEvalReads(@TempDir Path dir) throws Exception {
        String task = "class:" + QuarticBoxTask.class.getName();
        Path run = dir.resolve("run");
        trainAndEval(run, new QuarticBoxTask(), "loss", "--epochs", "1", "--task", task);
        assertTrue(Files.readString(run.resolve("config.json")).contains(task));

        StringWriter err = new StringWriter();
        CommandLine cmd = SparkMain.commandLine();
        cmd.setErr(new PrintWriter(err));
        assertEquals(2, cmd.execute("train", "--task", "class:java.lang.String", "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("does not implement io.foldopt.spark.TrainingTask"), err.toString());
    }

    /**
     * Runs {@code spark train} with 16 training and 8 test samples, minibatches of 8, 2 partitions and {@code args}
     * into {@code run}, and {@code spark eval} of its model on 8 test samples: the model file names the task, and eval
     * prints the task's metric of the model.
     */
    private static void trainAndEval(Path run, TrainingTask expected, String metricName, String... args)
            throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cmd = SparkMain.commandLine();
        cmd.setOut(new PrintWriter(out));
        List<String> line = new java.util.ArrayList<>(List.of("train", "--out", run.toString(), "--batch", "8",
                "--train", "16", "--test", "8", "--partitions", "2"));
        line.addAll(List.of(args));
        assertEquals(0, cmd.execute(line.toArray(String[]::new)));
        assertTrue(out.toString().startsWith("epoch 1: train loss ") && out.toString().contains("test " + metricName),
                out.toString());
        TrainedModel trained = TrainedModel.read(run.resolve("model.json"));
        assertEquals(expected, trained.task());
        out.getBuffer().setLength(0);
        assertEquals(0, cmd.execute("eval", "--model", run.resolve("model.json").toString(), "--count", "8"));
        double metric = trained.task().metricSum(trained.model(), trained.task().samples(1, 0, 8)) / 8;
        assertTrue(out.toString().startsWith(String.format(java.util.Locale.ROOT, "test %s %.6g over 8", metricName,
                metric)), out + " vs " + metric);
    }

    @Test
    void distributedTestMetricEqualsTheOneComputedInOnePiece() {
        Layer model = TASK.model();
        var blocks = SampleBlocks.generate(spark, TASK, 1, 30, 3);
        double distributed = SparkTrain.testMetric(JavaSparkContext.fromSparkContext(spark.sparkContext()), blocks,
                TASK, model.parameters());
        double local = TASK.metricSum(model, TASK.samples(1, 0, 30)) / 30;
        assertEquals(local, distributed, 1e-12 * Math.abs(local));
        assertTrue(local > 0, "the untrained model has a regret");
    }
}
