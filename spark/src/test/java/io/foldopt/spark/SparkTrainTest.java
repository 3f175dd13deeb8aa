package io.foldopt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.nn.Adam;
import io.foldopt.nn.DataLoader;
import io.foldopt.nn.Parameter;
import io.foldopt.nn.Sequential;
import io.foldopt.nn.Trainer;
import io.foldopt.nn.TrainingHistory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Data-parallel training through the folded layer equals single-machine training with the same seed and global
 * batch ({@link Trainer}, {@link DataLoader}) to 1e-10, and the distributed test metric equals the one computed in
 * one piece.
 */
class SparkTrainTest {
    private static final DecisionTask TASK = new DecisionTask(3, 6, 2, 2);
    private static final int TRAIN = 40;
    private static final int BATCH = 16;
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
        SparkTrain.Result distributed = SparkTrain.train(spark, TASK,
                new SparkTrain.Options(EPOCHS, BATCH, LEARNING_RATE, TRAIN, 0, 3), null);

        Sequential model = TASK.model();
        double[][] initial = SampleBlocks.values(model.parameters());
        DecisionTask.Loss loss = TASK.loss();
        TrainingHistory history = new Trainer(model, new Adam(model.parameters(), LEARNING_RATE),
                (batch, report) -> loss.apply(model, batch))
                .fit(new DataLoader(TASK.samples(0, 0, TRAIN), BATCH, true, TASK.seed()), EPOCHS);

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

    @Test
    void trainCommandWritesTheReportModelAndCheckpointsThatEvalReads(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        StringWriter out = new StringWriter();
        CommandLine cmd = SparkMain.commandLine();
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("train", "--out", run.toString(), "--epochs", "2", "--batch", "8", "--train",
                "16", "--test", "8", "--n", "6", "--equalities", "2", "--inequalities", "2", "--partitions", "2"));
        for (String file : List.of("config.json", "summary.json", "metrics.csv", "learning_curves.png", "model.json",
                "checkpoints/epoch-1.json", "checkpoints/epoch-2.json")) {
            assertTrue(Files.exists(run.resolve(file)), file);
        }
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size(), "header and two epochs");
        TrainedModel trained = TrainedModel.read(run.resolve("model.json"));
        assertEquals(new DecisionTask(0, 6, 2, 2), trained.task());
        out.getBuffer().setLength(0);
        assertEquals(0, cmd.execute("eval", "--model", run.resolve("model.json").toString(), "--count", "8"));
        double metric = trained.task().regretSum(trained.model(), trained.task().samples(1, 0, 8)) / 8;
        assertTrue(out.toString().startsWith(String.format(java.util.Locale.ROOT, "test normalized regret %.6g over 8",
                metric)), out + " vs " + metric);
    }

    @Test
    void distributedTestMetricEqualsTheOneComputedInOnePiece() {
        Sequential model = TASK.model();
        var blocks = SampleBlocks.generate(spark, TASK, 1, 30, 3);
        double distributed = SparkTrain.testMetric(JavaSparkContext.fromSparkContext(spark.sparkContext()), blocks,
                TASK, model.parameters());
        double local = TASK.regretSum(model, TASK.samples(1, 0, 30)) / 30;
        assertEquals(local, distributed, 1e-12 * Math.abs(local));
        assertTrue(local > 0, "the untrained model has a regret");
    }
}
