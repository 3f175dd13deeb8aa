package io.foldopt.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foldopt.nn.dfl.DecisionBatch;
import io.foldopt.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decisions and regret in the problem's own sense, against hand-computed values. */
class DecisionsTest {
    @TempDir
    Path dir;

    @Test
    void maximizationRegretIsTheShortfallFromTheBestValue() throws IOException {
        // maximize c'w over {w in [0, 1]^3, w1 + w2 + w3 <= 1}: pick the largest positive cost
        Path file = dir.resolve("max.json");
        Files.writeString(file, "{\"variables\": 3, \"sense\": \"maximize\", \"A_ub\": [[1, 1, 1]], \"b_ub\": [1],"
                + " \"upper\": 1}");
        DecisionProblem p = ProblemJson.read(file);
        Decisions d = new Decisions(p, Problems.oracle(p));
        Tensor c = Tensor.wrap(new double[] {3, 1, 2, 1, 4, 2}, 2, 3);
        DecisionBatch truth = d.truth(c, "row");
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, truth.decisions().data(), 1e-9);
        assertArrayEquals(new double[] {-3, -4}, truth.values().data(), 1e-9, "values of the minimization form");
        assertEquals(0, d.regret(c, truth, "row"), 1e-12);
        // predictions that pick w3 in both rows: values 2 and 2 instead of 3 and 4
        Tensor predicted = Tensor.wrap(new double[] {0, 0, 1, 0, 0, 1}, 2, 3);
        assertArrayEquals(new double[] {0, 0, 1, 0, 0, 1}, d.decide(predicted, "row").data(), 1e-9);
        assertEquals((1.0 + 2.0) / (3 + 4), d.regret(predicted, truth, "row"), 1e-12);
    }

    @Test
    void quadraticRegretUsesTheWholeObjective() throws IOException {
        // minimize c'w + 1/2 |w|^2 over the simplex in R^2
        Path file = dir.resolve("qp.json");
        Files.writeString(file, "{\"variables\": 2, \"A_eq\": [[1, 1]], \"b_eq\": [1], \"Q\": [[1, 0], [0, 1]]}");
        DecisionProblem p = ProblemJson.read(file);
        Decisions d = new Decisions(p, Problems.oracle(p));
        Tensor c = Tensor.wrap(new double[] {1, 0}, 1, 2);
        DecisionBatch truth = d.truth(c, "row");
        // w* = argmin w1 + (w1^2 + w2^2)/2 with w1 + w2 = 1: w1 = 0, w2 = 1, f* = 1/2
        assertArrayEquals(new double[] {0, 1}, truth.decisions().data(), 1e-7);
        // predicted costs (0, 0) give w = (1/2, 1/2), f = 1/2 + 1/4 = 3/4: regret (3/4 - 1/2) / (1/2)
        Tensor predicted = Tensor.wrap(new double[] {0, 0}, 1, 2);
        assertEquals(0.5, d.regret(predicted, truth, "row"), 1e-6);
    }
}
