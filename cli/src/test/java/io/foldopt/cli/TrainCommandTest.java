package io.foldopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foldopt.cli.train.TrainedModel;
import io.foldopt.nn.data.Csv;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code foldopt train} and {@code predict} on generated CSV files: the round trip, and one-line errors. */
class TrainCommandTest {
    static final List<String> FEATURES = List.of("f1", "f2", "f3");
    static final List<String> COSTS = List.of("c1", "c2", "c3", "c4");

    @TempDir
    Path dir;

    /**
     * Writes {@code rows} rows of features {@code x ~ N(0, I_3)} and costs {@code c = 1 + B x + 0.1 e} (a fixed
     * {@code B}, noise {@code e ~ N(0, I_4)}), with an identifier column the commands must ignore.
     */
    static Path data(Path file, int rows, long seed) throws IOException {
        SplittableRandom b = new SplittableRandom(99);
        double[] coef = new double[12];
        for (int k = 0; k < coef.length; k++) {
            coef[k] = b.nextGaussian();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("id,f1,f2,f3,c1,c2,c3,c4\n");
        for (int i = 0; i < rows; i++) {
            double[] x = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            csv.append("row-").append(i);
            for (double v : x) {
                csv.append(',').append(v);
            }
            for (int j = 0; j < 4; j++) {
                double c = 1 + 0.1 * rng.nextGaussian();
                for (int k = 0; k < 3; k++) {
                    c += coef[j * 3 + k] * x[k];
                }
                csv.append(',').append(c);
            }
            csv.append('\n');
        }
        Files.writeString(file, csv);
        return file;
    }

    /** A QP over the simplex: minimize c'w + 1/2 |w|^2 subject to sum w = 1, w >= 0. */
    private Path simplexQp() throws IOException {
        Path p = dir.resolve("simplex.json");
        Files.writeString(p, "{\"variables\": 4, \"A_eq\": [[1, 1, 1, 1]], \"b_eq\": [1],"
                + " \"Q\": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]}");
        return p;
    }

    @Test
    void trainThenPredictRoundTrip() throws IOException {
        Path train = data(dir.resolve("train.csv"), 120, 1);
        Path test = data(dir.resolve("test.csv"), 60, 2);
        Path problem = simplexQp();
        Path out = dir.resolve("run");
        CliRun r = CliRun.of("train", "--data", train.toString(), "--features", "f*", "--costs", "c1,c2,c3,c4",
                "--problem", problem.toString(), "--method", "two-stage", "--epochs", "10", "--batch", "16", "--lr", "0.05",
                "--test", test.toString(), "--out", out.toString(), "--seed", "3");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("minimize QP: 4 variables, 1 constraint,"), r.out());
        for (String file : new String[] {"model.json", "metrics.csv", "regret.png"}) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        Tensor metrics = Csv.read(out.resolve("metrics.csv"), List.of("epoch", "train_regret", "test_regret"));
        assertEquals(10, metrics.dim(0));
        double lastTest = metrics.data()[metrics.size() - 1];
        double firstTest = metrics.data()[2];
        assertTrue(lastTest < 0.5 * firstTest && lastTest < 0.05, "test regret " + firstTest + " -> " + lastTest);

        TrainedModel model = TrainedModel.read(out.resolve("model.json"));
        assertEquals(FEATURES, model.features());
        assertEquals(COSTS, model.costs());
        Path predictions = dir.resolve("pred.csv");
        CliRun p = CliRun.of("predict", "--model", out.resolve("model.json").toString(), "--data", test.toString(),
                "--problem", problem.toString(), "--out", predictions.toString());
        assertEquals(0, p.exitCode(), p.err());
        List<String> header = Csv.header(predictions);
        assertEquals(List.of("c1", "c2", "c3", "c4", "w_w0", "w_w1", "w_w2", "w_w3", "objective"), header);
        Tensor predicted = Csv.read(predictions, COSTS);
        assertArrayEquals(model.predict(Csv.read(test, FEATURES)).data(), predicted.data(),
                "predicted costs are the model's outputs, written exactly");
        Tensor w = Csv.read(predictions, header.subList(4, 8));
        for (int i = 0; i < w.dim(0); i++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                double v = w.data()[i * 4 + j];
                assertTrue(v > -1e-7, "w >= 0");
                sum += v;
            }
            assertEquals(1, sum, 1e-7, "sum w = 1");
        }
        String regret = String.format(Locale.ROOT, "normalized regret on %s: %.6f", test, lastTest);
        assertTrue(p.out().contains(regret), p.out() + " should contain " + regret);
    }
}
