package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartStudyTest {
    /** A projected-gradient layer with {@code 0 < rho(Phi) < 1}; an SQP layer, whose {@code Phi} is zero at x*. */
    private static final List<String> TASKS = List.of("bilinear/folded-pgd-a", "multilabel/folded-sqp");
    private static final int[] STEPS = {1, 2, 10, 50, 100};

    @Test
    void unrollingTheExperimentsLayersFromTheSolutionReachesTheFoldedGradient(@TempDir Path dir) throws Exception {
        StudyResult r = StudyFiles.run(new StartStudy(STEPS), dir, TASKS.toArray(String[]::new));
        List<Map<String, String>> unrolling = StudyFiles.csv(dir.resolve("start_unrolling.csv"));
        // a row per task, parameters, start and K
        assertEquals(TASKS.size() * 2 * StartStudy.STARTS.size() * STEPS.length, unrolling.size());
        Set<String> combinations = new HashSet<>();
        for (Map<String, String> row : unrolling) {
            combinations.add(row.get("task") + "|" + row.get("parameters") + "|" + row.get("start"));
            double error = StudyFiles.number(row, "gradient_error");
            // every row is a measurement or says why there is none (an unrolled step that failed)
            assertTrue(Double.isFinite(error) || !row.get("note").isEmpty(), row.toString());
            if (!row.get("start").equals("x*")) {
                continue;
            }
            double rho = StudyFiles.number(row, "rho_max");
            double k = StudyFiles.number(row, "K");
            if (row.get("task").equals("multilabel/folded-sqp")) {
                // Phi = 0 at x*: one unrolled step from x* is already the folded gradient
                assertTrue(rho < 1e-10, row.toString());
                assertTrue(error < 1e-10, row.toString());
            } else {
                assertTrue(rho > 0.5 && rho < 0.95, row.toString());
                if (k == 1) {
                    assertTrue(error > 1e-2, "one step of a contracting update is not the folded gradient: " + row);
                }
                // from x*, K steps give the folded gradient's series sum_k (Phi^T)^k g truncated after K terms
                assertTrue(error <= 10 * Math.pow(rho, k) + 1e-9, "error ~ rho^K from x*: " + row);
                if (k == STEPS[STEPS.length - 1]) {
                    assertTrue(error < 1e-5, "unrolling from x* reaches the folded gradient: " + row);
                }
            }
        }
        for (String task : TASKS) {
            for (String state : List.of("untrained", "trained")) {
                for (String start : StartStudy.STARTS) {
                    assertTrue(combinations.contains(task + "|" + state + "|" + start), task + " " + state + " "
                            + start);
                }
            }
            assertTrue(Files.exists(dir.resolve("start_unrolling_" + SolversStudy.slug(task) + ".png")));
        }
        assertFalse(r.findings().isEmpty());
        // the backward's start, for the first folded method of each experiment
        List<Map<String, String>> backward = StudyFiles.csv(dir.resolve("start_backward.csv"));
        assertEquals(2 * 3, backward.size());
        double metric = StudyFiles.number(backward.get(0), "final_metric");
        for (Map<String, String> row : backward) {
            assertEquals("bilinear/folded-pgd-a", row.get("task"));
            assertTrue(StudyFiles.number(row, "solves") > 0, row.toString());
            assertEquals(0.0, StudyFiles.number(row, "failed"), row.toString());
            assertEquals(metric, StudyFiles.number(row, "final_metric"), 1e-6, "the start does not change learning");
        }
    }
}
