package io.foldopt.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartStudyTest {
    @Test
    void unrollingFromTheSolutionConvergesToTheFoldedGradientAndEveryStartIsReported(@TempDir Path dir)
            throws Exception {
        StudyFiles.run(new StartStudy(), dir, "box-nonconvex-qp/pgd", "bilinear/folded-pgd-a");
        List<Map<String, String>> unrolling = StudyFiles.csv(dir.resolve("start_unrolling.csv"));
        assertEquals(3 * 8, unrolling.size());
        double first = Double.NaN;
        double last = Double.NaN;
        for (Map<String, String> row : unrolling) {
            assertTrue(StudyFiles.number(row, "gradient_error") >= 0, row.toString());
            if (row.get("start").equals("x*")) {
                double k = StudyFiles.number(row, "K");
                if (k == 1) {
                    first = StudyFiles.number(row, "gradient_error");
                }
                last = StudyFiles.number(row, "gradient_error");
            }
        }
        assertTrue(first > 1e-3, "one unrolled step is not the folded gradient: " + first);
        assertTrue(last < 1e-2 * first, "200 steps from x* approach the folded gradient: " + first + " -> " + last);
        List<Map<String, String>> backward = StudyFiles.csv(dir.resolve("start_backward.csv"));
        assertEquals(2 * 3, backward.size());
        double metric = StudyFiles.number(backward.get(0), "final_metric");
        for (Map<String, String> row : backward) {
            assertTrue(StudyFiles.number(row, "solves") > 0, row.toString());
            assertEquals(0.0, StudyFiles.number(row, "failed"), row.toString());
            assertEquals(metric, StudyFiles.number(row, "final_metric"), 1e-6, "the start does not change learning");
        }
    }
}
