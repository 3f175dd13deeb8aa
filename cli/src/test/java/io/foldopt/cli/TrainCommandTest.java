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
        assertEquals(11, metrics.dim(0), "epochs 0 (untrained) to 10");
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

    /** @return the run of {@code train} on the data and problem files, with extra options (SPO+ and one epoch by default) */
    private CliRun train(Path data, Path problem, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(),
                "--features", "f1,f2,f3", "--costs", "c1,c2,c3,c4", "--problem", problem.toString(), "--out",
                dir.resolve("out").toString()));
        args.addAll(List.of(extra));
        for (String[] option : new String[][] {{"--method", "spo+"}, {"--epochs", "1"}}) {
            if (!args.contains(option[0])) {
                args.addAll(List.of(option));
            }
        }
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertOneLine(CliRun r, int code, String expected) {
        assertEquals(code, r.exitCode(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(expected), r.err() + " should contain: " + expected);
    }

    private Path lp() throws IOException {
        Path p = dir.resolve("lp.json");
        Files.writeString(p, "{\"variables\": 4, \"A_eq\": [[1, 1, 1, 1]], \"b_eq\": [1], \"upper\": 1}");
        return p;
    }

    @Test
    void malformedDataIsOneLineNamingThePlace() throws IOException {
        Path data = data(dir.resolve("train.csv"), 30, 1);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(data));
        lines.set(16, lines.get(16).replaceFirst(",[^,]*$", ",abc"));
        Files.write(data, lines);
        assertOneLine(train(data, lp()), 1, "error: " + data + " line 17, column c4: 'abc' is not a number");
        Path ok = data(dir.resolve("ok.csv"), 30, 1);
        assertOneLine(CliRun.of("train", "--data", ok.toString(), "--features", "f1,f9", "--costs", "c*",
                "--problem", lp().toString(), "--method", "spo+"), 2,
                "--features: feature f9 is not in the header of " + ok + " (did you mean f1 or f2 or f3?)");
        assertOneLine(CliRun.of("train", "--data", ok.toString(), "--features", "f*", "--costs", "c1,c2,c3",
                "--problem", lp().toString(), "--method", "spo+"), 2,
                "--costs gives 3 columns, but " + lp() + " has 4 variables");
        assertOneLine(train(ok, lp(), "--method", "spo"), 2, "--method spo is not one of spo+");
        assertOneLine(train(ok, lp(), "--epochs", "0"), 2, "--epochs must be a positive integer");
        assertOneLine(train(ok, lp(), "--model", "mlp:8,x"), 2, "--model: expected 'linear' or 'mlp:'");
        assertOneLine(train(ok, simplexQp()), 2, "--method spo+ needs a linear objective");
    }

    @Test
    void malformedAndInfeasibleProblemsAreOneLine() throws IOException {
        Path data = data(dir.resolve("train.csv"), 30, 1);
        Path json = dir.resolve("bad.json");
        Files.writeString(json, "{\"variables\": 4, \"A_ub\": [[1, 1, 1, 1]], \"b_ub\": [NaN]}");
        assertOneLine(train(data, json), 1, "error: " + json + ": key \"b_ub\" entry [0] must be a finite number,"
                + " got NaN");
        Path mps = dir.resolve("bad.mps");
        Files.writeString(mps, "NAME x\nROWS\n N obj\n L cap\nCOLUMNS\n    a cap 1\n    b cap 1\n    c cap 1\n"
                + "    d capp 1\nRHS\n    R cap 2\nENDATA\n");
        assertOneLine(train(data, mps), 1, "error: " + mps + " line 9: row capp is not declared in ROWS (did you mean"
                + " cap?)");
        Path infeasible = dir.resolve("infeasible.json");
        Files.writeString(infeasible, "{\"variables\": 4, \"A_ub\": [[1, 1, 0, 0], [0, 0, 1, 1]],"
                + " \"b_ub\": [1, -1]}");
        assertOneLine(train(data, infeasible), 1, "error: " + infeasible + ": the problem is infeasible: constraint"
                + " A_ub row 1 needs its left side <= -1, but within the variable bounds it is at least 0");
        Path jointly = dir.resolve("jointly.json");
        Files.writeString(jointly, "{\"variables\": 4, \"A_ub\": [[1, 1, 1, 1], [-1, -1, -1, -1]],"
                + " \"b_ub\": [1, -2]}");
        assertOneLine(train(data, jointly), 1, "error: " + jointly + ": no optimal decision for the costs of"
                + " training row 1: no point satisfies all constraints and bounds together (GLOP) (infeasible)");
        assertOneLine(train(data, jointly, "--solver", "ojalgo"), 1, "error: " + jointly + ": no optimal decision for"
                + " the costs of training row 1: no point satisfies all constraints and bounds of " + jointly
                + " together (infeasible)");
        Path unbounded = dir.resolve("unbounded.json");
        Files.writeString(unbounded, "{\"variables\": 4, \"lower\": [null, 0, 0, 0]}");
        assertOneLine(train(data, unbounded), 1, "(unbounded)");
        assertOneLine(CliRun.of("predict", "--model", dir.resolve("none.json").toString(), "--data", data.toString(),
                "--out", dir.resolve("p.csv").toString()), 2, "--model " + dir.resolve("none.json") + ": no such file");
    }

    @Test
    void orToolsAndOjAlgoTrainAlikeAndTheSolverIsNamed() throws IOException {
        Path train = data(dir.resolve("train.csv"), 24, 6);
        Tensor[] regrets = new Tensor[2];
        String[] solvers = {"ortools", "ojalgo"};
        for (int k = 0; k < 2; k++) {
            Path out = dir.resolve("s-" + solvers[k]);
            CliRun r = CliRun.of("train", "--data", train.toString(), "--features", "f*", "--costs", "c*",
                    "--problem", lp().toString(), "--method", "spo+", "--epochs", "1", "--batch", "8", "--solver",
                    solvers[k], "--out", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains(k == 0 ? "solver: OR-Tools GLOP\n" : "solver: ojAlgo simplex\n"), r.out());
            regrets[k] = Csv.read(out.resolve("metrics.csv"), List.of("train_regret"));
        }
        assertArrayEquals(regrets[1].data(), regrets[0].data(), 1e-9, "the same decisions, the same training");
        assertOneLine(train(train, lp(), "--solver", "gurobi"), 2, "--solver gurobi is not one of auto, ortools,"
                + " ojalgo");
    }

    @Test
    void everyMethodLowersTheTrainingRegret() throws IOException {
        Path train = data(dir.resolve("train.csv"), 48, 4);
        for (String method : io.foldopt.cli.train.Methods.NAMES) {
            Path out = dir.resolve("m-" + method);
            CliRun r = CliRun.of("train", "--data", train.toString(), "--features", "f*", "--costs", "c*",
                    "--problem", lp().toString(), "--method", method, "--epochs", "3", "--batch", "8", "--lr", "0.1",
                    "--samples", "4", "--out", out.toString(), "--seed", "5");
            assertEquals(0, r.exitCode(), method + ": " + r.err());
            Tensor regret = Csv.read(out.resolve("metrics.csv"), List.of("train_regret"));
            double before = regret.data()[0];
            double after = regret.data()[regret.size() - 1];
            assertTrue(after < 0.8 * before, method + ": train regret " + before + " -> " + after);
            assertEquals(method, TrainedModel.read(out.resolve("model.json")).metadata().get("method"));
        }
    }
}
